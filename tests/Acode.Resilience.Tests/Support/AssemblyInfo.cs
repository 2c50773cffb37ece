// The scenarios use POSIX signals, file modes, mounts and setpriv: they run on Linux, like CI.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
