using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Sse.Loopback;

/// <summary>
/// Raises this process's open-file limit (RLIMIT_NOFILE) for a run that holds many sockets; the server it starts
/// inherits it. Only this process tree changes: no system setting is touched, and the limit ends with the processes.
/// </summary>
internal static partial class FileLimit
{
    private const int RlimitNoFile = 7; // Linux

    /// <summary>Raises the soft limit to <paramref name="wanted"/> (and the hard limit too where the process may); returns the soft limit now in force.</summary>
    public static ulong Raise(ulong wanted)
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        if (getrlimit(RlimitNoFile, out var limit) != 0)
        {
            return 0;
        }

        if (limit.Current >= wanted)
        {
            return limit.Current;
        }

        // The kernel's ceiling for one process; only a privileged process may raise its hard limit towards it.
        var ceiling = ulong.TryParse(File.Exists("/proc/sys/fs/nr_open") ? File.ReadAllText("/proc/sys/fs/nr_open").Trim() : "", out var nrOpen) ? nrOpen : limit.Maximum;
        var maximum = Math.Max(limit.Maximum, Math.Min(wanted, ceiling));
        var raised = new RLimit { Current = Math.Min(wanted, maximum), Maximum = maximum };
        if (setrlimit(RlimitNoFile, ref raised) != 0)
        {
            // Not privileged: as far as the hard limit allows.
            raised = new RLimit { Current = Math.Min(wanted, limit.Maximum), Maximum = limit.Maximum };
            _ = setrlimit(RlimitNoFile, ref raised);
        }

        return getrlimit(RlimitNoFile, out limit) == 0 ? limit.Current : 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

#pragma warning disable SYSLIB1054 // DllImport: LibraryImport would need unsafe code in the project for two calls.
    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, ref RLimit limit);
#pragma warning restore SYSLIB1054
}
