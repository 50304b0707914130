// Copyright (c) CdnTasks contributors. MIT License.
namespace CdnTasks.Emulator.Store;

/// <summary>Kind of a change to the data.</summary>
internal enum ChangeKind
{
    /// <summary>A record (or, with no record, a task) was created.</summary>
    Insert,
    /// <summary>A record (or, with no record, a task) was removed.</summary>
    Delete,
    /// <summary>A record's status changed.</summary>
    Status,
}

/// <summary>
/// One change. <see cref="Record"/> is null for a task's own insert or delete. <see cref="New"/> is the
/// record's status after the change (for an insert: its first status); <see cref="Old"/> the one before.
/// </summary>
internal readonly record struct Change(long Seq, ChangeKind Kind, UrlRecord? Record, TaskInfo Task, UrlStatus Old, UrlStatus New);

/// <summary>
/// The store's change log, kept from the first epoch (POST /_emulator/epoch) on, so that the oracle can
/// replay what every record went through between an epoch and now. Not thread-safe: used under the store's lock.
/// </summary>
internal sealed class ChangeLog
{
    private readonly List<Change> _changes = new();

    /// <summary>Sequence number from which changes are recorded; -1 while nothing is recorded.</summary>
    public long Start { get; private set; } = -1;

    /// <summary>Number of recorded changes.</summary>
    public int Count => _changes.Count;

    /// <summary>Starts recording (if not yet) at <paramref name="seq"/>.</summary>
    public void Begin(long seq)
    {
        if (Start < 0) Start = seq;
    }

    /// <summary>Records a change when recording.</summary>
    public void Add(in Change change)
    {
        if (Start >= 0) _changes.Add(change);
    }

    /// <summary>Forgets everything and stops recording.</summary>
    public void Clear()
    {
        _changes.Clear();
        Start = -1;
    }

    /// <summary>The changes with a sequence number greater than <paramref name="seq"/>, oldest first.</summary>
    public IEnumerable<Change> After(long seq)
    {
        int lo = 0, hi = _changes.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_changes[mid].Seq <= seq) lo = mid + 1; else hi = mid;
        }

        for (int i = lo; i < _changes.Count; i++) yield return _changes[i];
    }
}
