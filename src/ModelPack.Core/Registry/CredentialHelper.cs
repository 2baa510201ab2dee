using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>
/// Runs a docker credential helper (<c>docker-credential-NAME get</c>, the server on stdin,
/// <c>{"Username","Secret"}</c> on stdout). User <c>&lt;token&gt;</c> means Secret is an identity token.
/// </summary>
internal static class CredentialHelper
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string ExecutableName(string helper) => "docker-credential-" + helper;

    /// <summary>The helper's credential, or null when it has none for <paramref name="serverUrl"/>.</summary>
    public static async Task<RegistryCredential?> GetAsync(
        string helper, string serverUrl, string configuredIn, RegistryEnvironment environment, Action<string> log, CancellationToken cancellationToken)
    {
        var name = ExecutableName(helper);
        if (!IsSafeName(helper))
        {
            throw Failure($"The credential helper name '{helper}' in '{configuredIn}' is not a plain name.", helper);
        }

        var path = environment.FindExecutable(name) ?? throw Failure(
            $"The credential helper '{name}' named in '{configuredIn}' for '{serverUrl}' was not found on PATH. Install it, or remove the entry and log in again.",
            name);
        log($"Asking credential helper '{path}' for '{serverUrl}'.");
        var (exitCode, output, error) = await RunAsync(path, name, serverUrl, environment, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            if (Contains(output, "credentials not found") || Contains(error, "credentials not found"))
            {
                log($"Credential helper '{name}' has no credentials for '{serverUrl}'.");
                return null;
            }

            // Only the first line of stderr: helpers do not print secrets there, and stdout may hold one.
            throw Failure($"The credential helper '{name}' failed for '{serverUrl}' (exit code {exitCode}): {FirstLine(error)}", name);
        }

        return Parse(output, name, serverUrl, configuredIn, log);
    }

    /// <summary>Runs <c>HELPER get</c> with the server on stdin; stops it after <see cref="Timeout"/>.</summary>
    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string path, string name, string serverUrl, RegistryEnvironment environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(path, "get")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var pair in environment.ChildProcessOverrides())
        {
            start.Environment[pair.Key] = pair.Value;
        }

        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(true);
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw Failure($"The credential helper '{path}' could not be started: {ex.Message}", name);
        }

        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.StandardInput.WriteAsync(serverUrl).ConfigureAwait(false);
            process.StandardInput.Close();
        }
        catch (System.IO.IOException)
        {
            // The helper exited without reading stdin; its exit code says why.
        }

        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(Timeout);
            var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (timeout.Token.Register(() => cancelled.TrySetResult(true)))
            {
                if (!process.HasExited && await Task.WhenAny(exited.Task, cancelled.Task).ConfigureAwait(false) != exited.Task)
                {
                    TryKill(process);
                    cancellationToken.ThrowIfCancellationRequested();
                    throw Failure($"The credential helper '{name}' did not answer within {Timeout.TotalSeconds:0} s.", name);
                }
            }
        }

        process.WaitForExit();
        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>The credential in the helper's <c>{"Username","Secret"}</c>; null when it has no secret.</summary>
    private static RegistryCredential? Parse(string output, string name, string serverUrl, string configuredIn, Action<string> log)
    {
        string? user;
        string? secret;
        try
        {
            using var doc = JsonText.Parse(output);
            user = Property(doc.RootElement, "Username");
            secret = Property(doc.RootElement, "Secret");
        }
        catch (JsonException)
        {
            throw Failure($"The credential helper '{name}' did not print the expected JSON for '{serverUrl}'.", name);
        }

        if (string.IsNullOrEmpty(secret))
        {
            log($"Credential helper '{name}' returned no secret for '{serverUrl}'.");
            return null;
        }

        var source = $"credential helper '{name}' (configured in '{configuredIn}')";
        return string.Equals(user, "<token>", StringComparison.Ordinal)
            ? RegistryCredential.FromSource("<token>", null, secret, source)
            : RegistryCredential.FromSource(string.IsNullOrEmpty(user) ? "<unknown>" : user!, secret, null, source);
    }

    private static bool IsSafeName(string helper)
    {
        foreach (var c in helper)
        {
            if (!(char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.'))
            {
                return false;
            }
        }

        return helper.Length > 0 && helper.IndexOf("..", StringComparison.Ordinal) < 0;
    }

    private static string? Property(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var p in obj.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
            {
                return p.Value.GetString();
            }
        }

        return null;
    }

    private static bool Contains(string text, string value) => text.IndexOf(value, StringComparison.OrdinalIgnoreCase) >= 0;

    private static string FirstLine(string text)
    {
        var line = text.Trim();
        var newline = line.IndexOf('\n');
        if (newline >= 0)
        {
            line = line.Substring(0, newline).Trim();
        }

        return line.Length > 200 ? line.Substring(0, 200) + "..." : (line.Length == 0 ? "(no message)" : line);
    }

    private static void TryKill(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Cannot be killed; it is abandoned.
        }
    }

    private static ModelPackException Failure(string message, string target) =>
        new(ErrorIds.RegistryAuthenticationFailed, ErrorKind.AuthenticationError, message, target);
}
