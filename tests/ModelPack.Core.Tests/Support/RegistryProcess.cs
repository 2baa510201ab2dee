using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace ModelPack.Core.Tests.Support;

/// <summary>What kind of registry <see cref="RegistryProcess"/> starts.</summary>
public sealed class RegistryProcessOptions
{
    /// <summary>Serve https with this certificate and key (PEM).</summary>
    public string? TlsCertificatePem { get; set; }

    public string? TlsKeyPem { get; set; }

    /// <summary>htpasswd (Basic) users: user name to password.</summary>
    public IDictionary<string, string>? BasicUsers { get; set; }

    /// <summary>Token (Bearer) auth against a token server.</summary>
    public string? TokenRealm { get; set; }

    public string TokenService { get; set; } = "test-registry";

    public string TokenIssuer { get; set; } = "test-issuer";

    /// <summary>PEM of the certificates whose keys sign the tokens.</summary>
    public string? TokenRootCertificatesPem { get; set; }

    /// <summary>Run as a pull-through cache (distribution's proxy mode) of the registry at this URL (http://127.0.0.1:PORT).</summary>
    public string? ProxyRemoteUrl { get; set; }
}

/// <summary>
/// A real CNCF distribution registry (<c>docker-registry serve</c>) on 127.0.0.1 with a random
/// port, its storage and config in a temp dir. Dispose kills it and deletes the dir.
/// </summary>
public sealed class RegistryProcess : IDisposable
{
    private static readonly Regex Listening = new(@"listening on (127\.0\.0\.1:\d+)", RegexOptions.Compiled);
    private readonly Process _process;
    private readonly TempDirectory _dir;
    private readonly StringBuilder _log;

    private RegistryProcess(Process process, TempDirectory dir, string hostPort, StringBuilder log)
    {
        _process = process;
        _dir = dir;
        HostPort = hostPort;
        _log = log;
    }

    /// <summary>127.0.0.1:PORT.</summary>
    public string HostPort { get; }

    public string Directory => _dir.Path;

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public static RegistryProcess Start(RegistryProcessOptions? options = null)
    {
        options ??= new RegistryProcessOptions();
        var dir = new TempDirectory("modelpack-registry");
        try
        {
            var config = WriteConfig(dir, options);
            var start = new ProcessStartInfo("docker-registry")
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.ArgumentList.Add("serve");
            start.ArgumentList.Add(config);

            // docker-registry reads REGISTRY_* variables as configuration overrides; a test that set
            // REGISTRY_AUTH_FILE (for the module) must not reconfigure the registry it starts.
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("REGISTRY_", StringComparison.Ordinal)).ToList())
            {
                start.Environment.Remove(name);
            }
            var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var log = new StringBuilder();
            void OnLine(object sender, DataReceivedEventArgs e)
            {
                if (e.Data is null)
                {
                    return;
                }

                lock (log)
                {
                    log.AppendLine(e.Data);
                }

                var m = Listening.Match(e.Data);
                if (m.Success)
                {
                    listening.TrySetResult(m.Groups[1].Value);
                }
            }

            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            process.OutputDataReceived += OnLine;
            process.ErrorDataReceived += OnLine;
            process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("docker-registry exited early:\n" + Snapshot(log)));
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!listening.Task.Wait(TimeSpan.FromSeconds(20)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("docker-registry did not report its address:\n" + Snapshot(log));
            }

            return new RegistryProcess(process, dir, listening.Task.Result, log);
        }
        catch
        {
            dir.Dispose();
            throw;
        }
    }

    /// <summary>Kills the registry at once (a mirror that dies mid-pull); its directory stays until <see cref="Dispose"/>.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _dir.Dispose();
    }

    private static string Snapshot(StringBuilder log)
    {
        lock (log)
        {
            return log.ToString();
        }
    }

    private static string WriteConfig(TempDirectory dir, RegistryProcessOptions options)
    {
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 0.1");
        yaml.AppendLine("log:");
        yaml.AppendLine("  level: info");
        yaml.AppendLine("  accesslog:");
        yaml.AppendLine("    disabled: true");
        yaml.AppendLine("storage:");
        yaml.AppendLine("  filesystem:");
        yaml.AppendLine($"    rootdirectory: {Quote(dir.File("data"))}");
        yaml.AppendLine("  delete:");
        yaml.AppendLine("    enabled: true");
        yaml.AppendLine("http:");
        yaml.AppendLine("  addr: 127.0.0.1:0");
        yaml.AppendLine("  secret: modelpack-test-secret");
        if (options.TlsCertificatePem is not null)
        {
            yaml.AppendLine("  tls:");
            yaml.AppendLine($"    certificate: {Quote(dir.Write("tls/cert.pem", options.TlsCertificatePem))}");
            yaml.AppendLine($"    key: {Quote(dir.Write("tls/key.pem", options.TlsKeyPem ?? throw new ArgumentException("TlsKeyPem is required with a certificate.")))}");
        }

        if (options.BasicUsers is not null)
        {
            var lines = new StringBuilder();
            foreach (var user in options.BasicUsers)
            {
                lines.Append(Htpasswd(user.Key, user.Value));
            }

            yaml.AppendLine("auth:");
            yaml.AppendLine("  htpasswd:");
            yaml.AppendLine("    realm: test-realm");
            yaml.AppendLine($"    path: {Quote(dir.Write("auth/htpasswd", lines.ToString()))}");
        }
        else if (options.TokenRealm is not null)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  token:");
            yaml.AppendLine($"    realm: {Quote(options.TokenRealm)}");
            yaml.AppendLine($"    service: {Quote(options.TokenService)}");
            yaml.AppendLine($"    issuer: {Quote(options.TokenIssuer)}");
            yaml.AppendLine($"    rootcertbundle: {Quote(dir.Write("auth/roots.pem", options.TokenRootCertificatesPem ?? throw new ArgumentException("TokenRootCertificatesPem is required.")))}");
        }

        if (options.ProxyRemoteUrl is not null)
        {
            yaml.AppendLine("proxy:");
            yaml.AppendLine($"  remoteurl: {Quote(options.ProxyRemoteUrl)}");
        }

        return dir.Write("config.yml", yaml.ToString());
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary>A bcrypt htpasswd line, made by the real htpasswd tool (distribution only accepts bcrypt).</summary>
    private static string Htpasswd(string user, string password)
    {
        var start = new ProcessStartInfo("htpasswd")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "-Bbn", user, password })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("htpasswd failed: " + process.StandardError.ReadToEnd());
        }

        return output.Trim() + "\n";
    }
}
