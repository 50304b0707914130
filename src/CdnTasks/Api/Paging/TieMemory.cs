// Copyright (c) CdnTasks contributors. MIT License.

using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;

namespace CdnTasks.Api.Paging
{
    /// <summary>
    /// The keys of the records written at one millisecond (the only records a keyset cursor can read twice): for each key,
    /// how many records with it were written and how many were read in the current pass over that millisecond. A record
    /// is new when more records with its key have been read in this pass than were written, so two records without an
    /// id that look alike are both written, and reading the millisecond again writes neither a second time.
    /// </summary>
    internal sealed class TieMemory
    {
        private readonly Dictionary<RecordKey, long> _counts = new Dictionary<RecordKey, long>();

        /// <summary>Gets how many keys are held.</summary>
        public int Count => _counts.Count;

        /// <summary>Gets how many records of the millisecond were written.</summary>
        public long Written { get; private set; }

        /// <summary>Forgets everything: the cursor moved to an older millisecond.</summary>
        public void Clear()
        {
            Written = 0;
            if (_counts.Count > 0)
            {
                _counts.Clear();
            }
        }

        /// <summary>Starts a new pass over the millisecond: nothing read yet, everything written remembered.</summary>
        public void NewPass()
        {
            foreach (RecordKey key in _counts.Keys.ToList())
            {
                _counts[key] = _counts[key] & ~0xFFFFFFFFL;
            }
        }

        /// <summary>Counts one record read with this key; true when it is new (to be written).</summary>
        [MethodImpl((MethodImplOptions)512)] // AggressiveOptimization: runs once per record
        public bool IsNew(RecordKey key)
        {
            _counts.TryGetValue(key, out long packed);
            long written = packed >> 32;
            long read = (packed & 0xFFFFFFFFL) + 1;
            bool isNew = read > written;
            if (isNew)
            {
                written++;
                Written++;
            }

            _counts[key] = (written << 32) | read;
            return isNew;
        }
    }
}
