// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace CdnTasks.Api
{
    /// <summary>
    /// A read-only pass-through stream that remembers the first bytes read, so a response that fails to parse
    /// can be reported with the start of its body without buffering the whole body.
    /// </summary>
    internal sealed class PrefixCaptureStream : Stream
    {
        private readonly Stream _inner;
        private readonly byte[] _prefix;
        private int _captured;

        public PrefixCaptureStream(Stream inner, int capacity = 200)
        {
            _inner = inner;
            _prefix = new byte[capacity];
        }

        /// <summary>Gets the total bytes read so far.</summary>
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => BytesRead;
            set => throw new NotSupportedException();
        }

        /// <summary>The captured start of the body as text (control characters replaced).</summary>
        public string PrefixText()
        {
            string text = Encoding.UTF8.GetString(_prefix, 0, _captured);
            var builder = new StringBuilder(text.Length);
            foreach (char c in text)
            {
                builder.Append(char.IsControl(c) ? ' ' : c);
            }

            return builder.ToString().Trim();
        }

        public override int Read(byte[] buffer, int offset, int count) => Capture(buffer, offset, _inner.Read(buffer, offset, count));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Capture(buffer, offset, await _inner.ReadAsync(buffer, offset, count, cancellationToken).ConfigureAwait(false));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Capture(byte[] buffer, int offset, int read)
        {
            if (read > 0 && _captured < _prefix.Length)
            {
                int take = Math.Min(read, _prefix.Length - _captured);
                Buffer.BlockCopy(buffer, offset, _prefix, _captured, take);
                _captured += take;
            }

            BytesRead += read;
            return read;
        }
    }
}
