using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Console;

/// <summary>
/// What a user sees in a real console: pwsh 7.6 in a tmux pane (fixed size, keys sent, the screen read
/// back), saving a model whose blobs a proxy slows down, with -Verbose, a config file that causes a
/// warning and a second reference that fails. While it runs the screen shows one bar for the model and
/// one under it per layer; afterwards no bar is left, and the verbose lines, the warning and the error
/// are whole lines before the prompt, with nothing written after it.
/// </summary>
public sealed class ConsoleTests : IDisposable
{
    private const int Width = 120;
    private const int Height = 40;
    private const string Prompt = "PS>";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private readonly TempDirectory _dir = new("modelpack-console");
    private readonly string _socket = "modelpack-console-" + Guid.NewGuid().ToString("N")[..12];
    private RegistryProcess? _registry;
    private FaultProxy? _proxy;
    private bool _tmuxStarted;

    [ToolFact(TestTools.Tmux, TestTools.Pwsh76, TestTools.DockerRegistry)]
    public async Task Save_shows_a_bar_per_model_and_per_layer_then_leaves_only_whole_lines_of_verbose_warning_and_error()
    {
        _registry = RegistryProcess.Start();
        var artifact = TestArtifact.FromFiles(
            "console",
            ("model-00001-of-00002.safetensors", LayerKind.Weight, TestArtifact.Bytes(1, 1_600_000)),
            ("model-00002-of-00002.safetensors", LayerKind.Weight, TestArtifact.Bytes(2, 1_200_000)),
            ("tokenizer.json", LayerKind.WeightConfig, Encoding.UTF8.GetBytes("{\"tokenizer\":\"console\"}")));
        // Saved after the first: while it downloads, nothing of the first model may be left on the screen.
        var second = TestArtifact.FromFiles("second", ("second.gguf", LayerKind.Weight, TestArtifact.Bytes(3, 900_000)));
        var setup = new TestClientSetup(_dir.Combine("home"));
        using (var client = setup.Client())
        {
            await artifact.PushAsync(client, _registry.HostPort, "models/console", "1.0");
            await second.PushAsync(client, _registry.HostPort, "models/second", "1.0");
        }

        // Slow enough that the bars are on the screen for a few seconds, whatever the machine's load.
        _proxy = new FaultProxy(_registry.HostPort) { BlobBytesPerSecond = 600_000 };
        var model = _proxy.HostPort + "/models/console:1.0";
        var next = _proxy.HostPort + "/models/second:1.0";
        var missing = _proxy.HostPort + "/models/missing:1.0";
        // An unknown setting is a warning on every command.
        var config = _dir.Write("config/modelpack/config.json", "{ \"colour\": \"blue\" }");

        StartPwsh(new Dictionary<string, string>
        {
            ["MODELPACK_STORE"] = _dir.Combine("store"),
            ["MODELPACK_ENGINE"] = "none",
            ["MODELPACK_CONFIG"] = config,
            ["XDG_CONFIG_HOME"] = _dir.Combine("config"),
            ["REGISTRY_AUTH_FILE"] = _dir.Combine("no-auth.json"),
            ["DOCKER_CONFIG"] = _dir.Combine("no-docker"),
        });
        WaitFor(screen => LastLine(screen).StartsWith("PS ", StringComparison.Ordinal), "the first prompt");
        // A short prompt and variables keep every line typed shorter than the pane.
        Type($"function prompt {{ 'PS> ' }}; Import-Module '{ModulePaths.Manifest}'; $model = '{model}'; $next = '{next}'; $missing = '{missing}'; Clear-Host");
        WaitFor(screen => LastLine(screen) == Prompt && !screen.Any(l => l.Contains("Import-Module", StringComparison.Ordinal)), "the cleared screen");

        const string Command = "Save-ModelArtifact $model, $next, $missing -Verbose";
        Type(Command);

        // While it runs: every screen shows at most one bar for the model and one per layer, children under it.
        var parent = new Regex("^Save-ModelArtifact " + Regex.Escape(model) + @" \[");
        var layers = artifact.Layers.Select(l => l.Descriptor.Annotation(AnnotationKeys.Filepath)!).ToList();
        var nextParent = new Regex("^Save-ModelArtifact " + Regex.Escape(next) + @" \[");
        var sawAllBars = false;
        var sawNextAlone = false;
        var screens = new List<string[]>();
        var finished = WaitFor(
            screen =>
            {
                screens.Add(screen);
                var parents = screen.Count(l => parent.IsMatch(l));
                Assert.True(parents <= 1, "two bars for one model:\n" + string.Join('\n', screen));
                foreach (var layer in layers)
                {
                    Assert.True(screen.Count(l => l.StartsWith("  " + layer + " [", StringComparison.Ordinal)) <= 1, $"two bars for {layer}:\n" + string.Join('\n', screen));
                }

                var bigLayers = layers.Take(2).All(layer => screen.Any(l => l.StartsWith("  " + layer + " [", StringComparison.Ordinal)));
                if (parents == 1 && bigLayers)
                {
                    var parentLine = Array.FindIndex(screen, l => parent.IsMatch(l));
                    Assert.All(layers.Take(2), layer => Assert.True(Array.FindIndex(screen, l => l.StartsWith("  " + layer + " [", StringComparison.Ordinal)) > parentLine, $"{layer}'s bar is not under the model's"));
                    sawAllBars = true;
                }

                if (screen.Any(l => nextParent.IsMatch(l)))
                {
                    // The first model is done: its bars are gone, not frozen above the second's.
                    Assert.False(screen.Any(l => parent.IsMatch(l) || layers.Any(layer => l.StartsWith("  " + layer + " [", StringComparison.Ordinal))), "the first model's bars are left on the screen:\n" + string.Join('\n', screen));
                    sawNextAlone |= screen.Any(l => l.StartsWith("  second.gguf [", StringComparison.Ordinal));
                }

                var typed = Array.FindIndex(screen, l => l == Prompt + " " + Command);
                return typed >= 0 && Array.FindLastIndex(screen, l => l.Length > 0) > typed && LastLine(screen) == Prompt;
            },
            "the prompt after Save-ModelArtifact");
        Assert.True(sawNextAlone, "no screen showed the second model's bars");
        Assert.True(sawAllBars, "no screen showed the model's bar with a bar for each big layer; screens seen:\n" + string.Join("\n----\n", screens.Select(s => string.Join('\n', s.Where(l => l.Length > 0)))));

        // Afterwards: no bar left, the lines written are whole, and the prompt is the last thing on the screen.
        var text = Capture(withHistory: true);
        var command = Array.FindLastIndex(text, l => l == Prompt + " " + Command);
        var after = Array.FindLastIndex(text, l => l == Prompt);
        Assert.True(command >= 0 && after > command, string.Join('\n', text));
        // The rows between the command and the prompt, with rows the console wrapped joined back into lines.
        // PowerShell's error view word-wraps its message, so the error's further rows belong to it too.
        const string RecordStart = "^(VERBOSE|WARNING): |^Save-ModelArtifact: ";
        var output = new List<string>();
        foreach (var line in Unwrap(text.Skip(command + 1).Take(after - command - 1)))
        {
            if (output.Count > 0 && output[^1].StartsWith("Save-ModelArtifact: ", StringComparison.Ordinal) && !Regex.IsMatch(line, RecordStart))
            {
                output[^1] += " " + line.Trim();
            }
            else
            {
                output.Add(line);
            }
        }

        Assert.DoesNotContain(output, l => parent.IsMatch(l) || nextParent.IsMatch(l) || l.StartsWith("Save-ModelArtifact " + missing + " [", StringComparison.Ordinal) || l.StartsWith("  second.gguf [", StringComparison.Ordinal) || layers.Any(layer => l.StartsWith("  " + layer + " [", StringComparison.Ordinal)));
        Assert.Contains(output, l => l.StartsWith("WARNING: " + config + ", line 1: unknown setting 'colour' is ignored", StringComparison.Ordinal));
        Assert.Contains(output, l => l == "VERBOSE: '" + model + "' is a ModelPack artifact (from registry); strategy HttpBind (Auto).");
        Assert.Contains(output, l => l.StartsWith("VERBOSE: Saved '" + model + "' (" + artifact.Digest + ") with HttpBind", StringComparison.Ordinal));
        Assert.Contains(output, l => l.StartsWith("Save-ModelArtifact: '" + missing + "' was not found in registry", StringComparison.Ordinal));
        // Every line is a whole record: a verbose line, a warning or the error, each once, none cut into another.
        Assert.All(output.Where(l => l.Length > 0), l => Assert.Matches(RecordStart, l));
        Assert.Equal(output.Count, output.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(output, l => Regex.IsMatch(l, @"(GET|HEAD) http://[^ ]+$"));
        Assert.Equal(after, text.Length - 1 - text.Reverse().TakeWhile(l => l.Length == 0).Count());

        // Nothing is written once the prompt is back (a late line from a download thread would appear here).
        var settled = Capture(withHistory: true);
        Thread.Sleep(1500);
        Assert.Equal(string.Join('\n', settled), string.Join('\n', Capture(withHistory: true)));
        Assert.True(Directory.Exists(_dir.Combine("store", "snapshots", artifact.Digest[7..])), "the first model was not saved");
        Assert.True(Directory.Exists(_dir.Combine("store", "snapshots", second.Digest[7..])), "the second model was not saved");
        _ = finished;
    }

    public void Dispose()
    {
        if (_tmuxStarted)
        {
            Tmux("kill-server");
        }

        _proxy?.Dispose();
        _registry?.Dispose();
        _dir.Dispose();
    }

    private void StartPwsh(Dictionary<string, string> environment)
    {
        // The pane's pwsh gets exactly these MODELPACK_* settings: other tests of this process set their own.
        var command = new StringBuilder("env");
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(n => n.StartsWith("MODELPACK_", StringComparison.Ordinal) || n == "CONTAINERS_REGISTRIES_CONF"))
        {
            command.Append(" -u ").Append(name);
        }

        foreach (var (name, value) in environment)
        {
            command.Append(' ').Append(name).Append('=').Append(Quote(value));
        }

        command.Append(' ').Append(Quote(TestTools.Require(TestTools.Pwsh76))).Append(" -NoProfile -NoLogo");
        Tmux("-f", "/dev/null", "new-session", "-d", "-s", "console", "-x", Width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", Height.ToString(System.Globalization.CultureInfo.InvariantCulture), command.ToString());
        _tmuxStarted = true;
    }

    private void Type(string line)
    {
        Tmux("send-keys", "-t", "console", "-l", line);
        Tmux("send-keys", "-t", "console", "Enter");
    }

    private string[] Capture(bool withHistory = false)
    {
        var arguments = new List<string> { "capture-pane", "-p", "-t", "console" };
        if (withHistory)
        {
            arguments.AddRange(["-S", "-"]);
        }

        return Tmux([.. arguments]).Split('\n').Select(l => l.TrimEnd()).ToArray();
    }

    /// <summary>Reads the screen until <paramref name="done"/> holds; a test that waits in vain fails with the screen it saw.</summary>
    private string[] WaitFor(Func<string[], bool> done, string what)
    {
        var clock = Stopwatch.StartNew();
        string[] screen;
        do
        {
            screen = Capture();
            if (done(screen))
            {
                return screen;
            }

            Thread.Sleep(100);
        }
        while (clock.Elapsed < Patience);

        throw new Xunit.Sdk.XunitException($"The console never showed {what}:\n" + string.Join('\n', screen));
    }

    /// <summary>Joins rows the console wrapped (a full row goes on in the next one) into the lines written.</summary>
    private static List<string> Unwrap(IEnumerable<string> rows)
    {
        var lines = new List<string>();
        var wrapped = false;
        foreach (var row in rows)
        {
            if (wrapped)
            {
                lines[^1] += row;
            }
            else
            {
                lines.Add(row);
            }

            wrapped = row.Length >= Width;
        }

        return lines;
    }

    private static string LastLine(string[] screen) => screen.LastOrDefault(l => l.Length > 0) ?? string.Empty;

    private string Tmux(params string[] arguments)
    {
        var start = new ProcessStartInfo(TestTools.Require(TestTools.Tmux)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && arguments[0] != "kill-server")
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }

        return output.Result;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
