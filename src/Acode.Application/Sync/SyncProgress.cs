namespace Acode.Application.Sync;

/// <summary>Where a running sync is: records done so far and records still pending when it started.</summary>
public readonly record struct SyncProgress(long Done, long Total);
