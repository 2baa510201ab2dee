using System;
using System.Diagnostics;
using System.Linq;
using System.IO;
using System.Text;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests;

/// <summary>
/// This test project references the module, so its deps.json can hide assembly conflicts. These
/// tests load out/ModelPack in a separate process (tools/PSRunner) that does not reference it.
/// </summary>
public class SmokeTests
{
    private static string Runner => Path.Combine(ModulePaths.RepoRoot, "tools", "PSRunner", "bin", "Release", "net10.0", "psrunner.dll");

    [Fact]
    public void Built_module_imports_and_works_in_a_host_that_does_not_reference_it()
    {
        using var layout = new TestLayout();
        layout.AddModel("smoke:1", "smoke", ("w.gguf", "weight", new byte[] { 7, 7, 7 }));
        var script = Path.Combine(layout.Root, "smoke.ps1");
        File.WriteAllText(script, $$"""
            Import-Module '{{ModulePaths.Manifest}}' -ErrorAction Stop
            $a = Get-ModelArtifact -Path '{{layout.Root}}'
            "type=" + $a.GetType().FullName
            "files=" + $a.Files.Count
            "valid=" + (Test-ModelArtifact -InputObject $a -Quiet)
            "json=" + [System.Text.Json.JsonSerializer].Assembly.GetName().Version
            "engine=" + [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($a.GetType().Assembly).GetType().FullName
            "engine-from=" + [IO.Path]::GetFileName([IO.Path]::GetDirectoryName($a.GetType().Assembly.Location))
            """);

        var (exit, stdout, stderr) = Run(script);

        Assert.True(exit == 0, $"exit {exit}: {stderr}{stdout}");
        Assert.Contains("type=ModelPack.ModelArtifact", stdout);
        Assert.Contains("files=1", stdout);
        Assert.Contains("valid=True", stdout);
        // A host that does not reference the module: the engine comes from Dependencies/ into the module's own context.
        Assert.Contains("engine=ModelPack.Loading.EngineLoadContext", stdout);
        Assert.Contains("engine-from=Dependencies", stdout);
    }

    [Fact]
    public void A_store_this_user_may_only_read_is_listed_and_what_it_could_not_settle_is_a_warning()
    {
        // Root's store, read by 'nobody' (setpriv); the journal names a pull from another boot, as after a power loss.
        if (!OnPath("setpriv") || Environment.UserName != "root")
        {
            return;
        }

        using var dir = new Core.Tests.Support.TempDirectory("modelpack-read-only");
        var store = dir.File("store");
        dir.Write("model/model.safetensors", new string('w', 4096));
        var pack = dir.Write("pack.ps1", $$"""
            Import-Module '{{ModulePaths.Manifest}}' -ErrorAction Stop
            New-ModelArtifact -Path '{{dir.File("model")}}' -Reference localhost/read-only/tiny:1 | Out-Null
            """);
        var list = dir.Write("list.ps1", $$"""
            Import-Module '{{ModulePaths.Manifest}}' -ErrorAction Stop
            $a = Get-ModelArtifact -WarningVariable w -WarningAction SilentlyContinue
            "listed=" + $a.Reference
            "warnings=" + ($w -join ' | ')
            """);
        var environment = new[] { ("MODELPACK_STORE", store), ("MODELPACK_ENGINE", "none"), ("XDG_CONFIG_HOME", dir.File("config")) };
        var packed = Run(pack, environment);
        Assert.True(packed.Exit == 0, packed.Stderr + packed.Stdout);
        var index = File.ReadAllText(Path.Combine(store, "index.json"));
        var manifest = System.Text.RegularExpressions.Regex.Match(index, "sha256:[0-9a-f]{64}").Value;
        var journal = dir.Write("store/unsynced/0b1d6a4e-3333-4c3b-9a55-000000000003_00000000000000000000000000000001.journal", "modelpack-unsynced 1\nmanifest " + manifest + "\n");

        var reader = Run(list, ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet"], environment);

        Assert.True(reader.Exit == 0, reader.Stderr + reader.Stdout);
        Assert.Contains("listed=localhost/read-only/tiny:1", reader.Stdout);
        Assert.Contains($"warnings=Could not settle the unflushed writes recorded in '{Path.Combine(store, "unsynced")}'", reader.Stdout);
        Assert.True(File.Exists(journal), "the reader removed the journal");

        var owner = Run(list, environment);

        Assert.True(owner.Exit == 0, owner.Stderr + owner.Stdout);
        Assert.Contains("listed=localhost/read-only/tiny:1", owner.Stdout);
        Assert.Contains("Rebuilt the snapshot of " + manifest, owner.Stdout);
        Assert.False(File.Exists(journal), "the owner left the journal");
    }

    [Fact]
    public void Demo_script_runs_to_completion()
    {
        // podman users often have REGISTRY_AUTH_FILE set; the demo's docker-registry must not take it as its own configuration.
        var (exit, stdout, stderr) = Run(Path.Combine(ModulePaths.RepoRoot, "examples", "Demo.ps1"), ("REGISTRY_AUTH_FILE", "/nonexistent/auth.json"));

        Assert.True(exit == 0, $"exit {exit}: {stderr}{stdout}");
        Assert.Contains("tiny-demo:1.0", stdout);
        Assert.Contains("Demo finished: the damaged blob was detected.", stdout);
        if (OnPath("docker-registry"))
        {
            // The lifecycle part: a registry of its own, then New, Publish, Remove, Save, Get-ModelMount, Test.
            Assert.Matches(@"Started docker-registry on 127\.0\.0\.1:\d+", stdout);
            Assert.Matches(@"Lifecycle finished: 127\.0\.0\.1:\d+/models/lifecycle-demo:1\.0 is sha256:[0-9a-f]{64}", stdout);
            Assert.Contains("all 4 files in ", stdout);
        }
        else
        {
            Assert.Contains("docker-registry is not installed, so the lifecycle part is skipped.", stdout);
        }
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator).Any(d => d.Length > 0 && File.Exists(Path.Combine(d, command)));

    private static (int Exit, string Stdout, string Stderr) Run(string script, params (string Name, string Value)[] environment) =>
        Run(script, ["dotnet"], environment);

    /// <summary>Runs psrunner with <paramref name="script"/>; <paramref name="command"/> is dotnet, or a wrapper (setpriv ...) ending in dotnet.</summary>
    private static (int Exit, string Stdout, string Stderr) Run(string script, string[] command, params (string Name, string Value)[] environment)
    {
        Assert.True(File.Exists(Runner), "psrunner not built: " + Runner);
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.Skip(1))
        {
            psi.ArgumentList.Add(argument);
        }

        // Store tests running at the same time set MODELPACK_* in this process; the child gets only what the test gives it.
        foreach (var inherited in psi.Environment.Keys.Where(k => k.StartsWith("MODELPACK_", StringComparison.Ordinal)).ToList())
        {
            psi.Environment.Remove(inherited);
        }

        foreach (var (name, value) in environment)
        {
            psi.Environment[name] = value;
        }

        psi.ArgumentList.Add(Runner);
        psi.ArgumentList.Add(script);
        using var p = Process.Start(psi)!;
        var stdout = new StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (stdout) { stdout.AppendLine(e.Data); } } };
        p.BeginOutputReadLine();
        var stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(120_000), "psrunner timed out");
        p.WaitForExit();
        return (p.ExitCode, stdout.ToString(), stderr);
    }
}
