// The end-to-end tests run on Linux, like CI (POSIX signals, Debian's Chromium).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Each test starts its own acode ui and browser; on 2 cores they run one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
