// The end-to-end tests check POSIX file modes and run on Linux, like CI.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
