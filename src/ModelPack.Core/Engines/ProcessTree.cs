using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace ModelPack.Core.Engines;

/// <summary>
/// Kills a process and everything it started. Process.Kill(bool entireProcessTree) exists from .NET Core
/// 3.0 (every PowerShell 7) but netstandard2.0 cannot name it, so it is found by reflection. Without it
/// (Windows PowerShell 5.1 on .NET Framework) taskkill /T does the same on Windows.
/// </summary>
internal static class ProcessTree
{
    private static readonly MethodInfo? KillEntireTree = typeof(Process).GetMethod("Kill", new[] { typeof(bool) });

    public static void Kill(Process process)
    {
        try
        {
            if (KillEntireTree is not null)
            {
                KillEntireTree.Invoke(process, new object[] { true });
                return;
            }

            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                KillWithTaskkill(process.Id);
            }

            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (Exception ex) when (IsAlreadyGone(ex))
        {
            // It exited on its own between the decision and the kill.
        }
    }

    private static void KillWithTaskkill(int processId)
    {
        var startInfo = new ProcessStartInfo("taskkill")
        {
            Arguments = "/PID " + processId.ToString(System.Globalization.CultureInfo.InvariantCulture) + " /T /F",
            UseShellExecute = false,
            CreateNoWindow = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var taskkill = Process.Start(startInfo);
        taskkill?.WaitForExit(10_000);
    }

    private static bool IsAlreadyGone(Exception ex) =>
        ex is InvalidOperationException or Win32Exception ||
        (ex is TargetInvocationException { InnerException: { } inner } && IsAlreadyGone(inner));
}
