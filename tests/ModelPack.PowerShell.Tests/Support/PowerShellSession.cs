using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ModelPack.PowerShell.Tests.Support;

/// <summary>A hosted PowerShell runspace with the built module imported from out/ModelPack.</summary>
public sealed class PowerShellSession : IDisposable
{
    private readonly Runspace _runspace;

    /// <param name="threadOptions">
    /// UseCurrentThread runs every pipeline on the thread that calls <see cref="Run"/> (for tests that change
    /// what that thread may do, such as dropping its capabilities).
    /// </param>
    public PowerShellSession(IDictionary<string, string?>? environment = null, bool importModule = true, PSThreadOptions threadOptions = PSThreadOptions.Default)
    {
        Host = new CapturingHost();
        var iss = InitialSessionState.CreateDefault2();
        _runspace = RunspaceFactory.CreateRunspace(Host, iss);
        _runspace.ThreadOptions = threadOptions;
        _runspace.Open();
        if (environment is not null)
        {
            foreach (var pair in environment)
            {
                Run("param($n, $v) [Environment]::SetEnvironmentVariable($n, $v)", new Dictionary<string, object?> { ["n"] = pair.Key, ["v"] = pair.Value });
            }
        }

        if (importModule)
        {
            var result = Run("param($m) Import-Module $m -ErrorAction Stop", new Dictionary<string, object?> { ["m"] = ModulePaths.Manifest });
            if (result.Errors.Count > 0)
            {
                throw new InvalidOperationException("Import-Module failed: " + result.Errors[0]);
            }
        }
    }

    public CapturingHost Host { get; }

    /// <summary>For tests that drive a pipeline themselves (BeginInvoke, Stop).</summary>
    public Runspace Runspace => _runspace;

    /// <summary>Runs a script; the result keeps every stream (progress snapshotted as it arrives).</summary>
    public ScriptResult Run(string script, Dictionary<string, object?>? parameters = null)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        ps.AddScript(script);
        if (parameters is not null)
        {
            foreach (var pair in parameters)
            {
                ps.AddParameter(pair.Key, pair.Value);
            }
        }

        var progress = new List<ProgressSnapshot>();
        ps.Streams.Progress.DataAdded += (_, e) =>
        {
            var r = ps.Streams.Progress[e.Index];
            lock (progress)
            {
                progress.Add(new ProgressSnapshot(r.ActivityId, r.ParentActivityId, r.Activity, r.StatusDescription, r.PercentComplete, r.RecordType));
            }
        };

        Collection<PSObject> output;
        RuntimeException? terminating = null;
        try
        {
            output = ps.Invoke();
        }
        catch (RuntimeException ex)
        {
            output = new Collection<PSObject>();
            terminating = ex;
        }

        return new ScriptResult(
            output.ToList(),
            ps.Streams.Error.ToList(),
            ps.Streams.Verbose.Select(v => v.Message).ToList(),
            ps.Streams.Warning.Select(v => v.Message).ToList(),
            progress,
            terminating);
    }

    /// <summary>Runs a script that must not fail, and returns its output.</summary>
    public List<PSObject> RunOk(string script, Dictionary<string, object?>? parameters = null)
    {
        var r = Run(script, parameters);
        if (r.Terminating is not null)
        {
            throw new InvalidOperationException("Script failed: " + r.Terminating.ErrorRecord, r.Terminating);
        }

        if (r.Errors.Count > 0)
        {
            throw new InvalidOperationException("Script wrote errors: " + string.Join(Environment.NewLine, r.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        }

        return r.Output;
    }

    public void Dispose() => _runspace.Dispose();
}

public sealed record ProgressSnapshot(int ActivityId, int ParentActivityId, string Activity, string StatusDescription, int PercentComplete, ProgressRecordType RecordType);

public sealed record ScriptResult(
    List<PSObject> Output,
    List<ErrorRecord> Errors,
    List<string> Verbose,
    List<string> Warnings,
    List<ProgressSnapshot> Progress,
    RuntimeException? Terminating)
{
    /// <summary>Non-terminating errors and the terminating one, if any.</summary>
    public IEnumerable<ErrorRecord> AllErrors => Terminating?.ErrorRecord is ErrorRecord t ? Errors.Append(t) : Errors;
}
