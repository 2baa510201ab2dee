using System;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace PSRunner;

internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0 || !File.Exists(args[0]))
        {
            Console.Error.WriteLine("usage: psrunner <script.ps1> [arguments...]");
            return 2;
        }

        var host = new ConsoleHost();
        var iss = InitialSessionState.CreateDefault2();
        using var runspace = RunspaceFactory.CreateRunspace(host, iss);
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("param($__script, $__args) $ErrorActionPreference = 'Stop'; if ([Console]::IsOutputRedirected) { $PSStyle.OutputRendering = 'PlainText' }; & $__script @__args | Out-Default")
          .AddParameter("__script", Path.GetFullPath(args[0]))
          .AddParameter("__args", args[1..]);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            ps.BeginStop(null, null);
        };

        try
        {
            ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            Console.Error.WriteLine(Describe(ex.ErrorRecord));
            return 1;
        }

        foreach (var error in ps.Streams.Error)
        {
            Console.Error.WriteLine(Describe(error));
        }

        return ps.Streams.Error.Count > 0 ? 1 : host.ExitCode;
    }

    private static string Describe(ErrorRecord error) =>
        $"{error.InvocationInfo?.MyCommand?.Name ?? "script"}: {error.Exception.Message}{Environment.NewLine}    + {error.CategoryInfo}{Environment.NewLine}    + FullyQualifiedErrorId : {error.FullyQualifiedErrorId}";
}
