using System;
using System.Collections.Concurrent;
using System.Text;

namespace ModelPack.Core.Registry;

/// <summary>
/// Remembers every secret the client handles (passwords, tokens and their Basic encodings) and
/// removes them from log lines and error messages. Messages are written not to contain secrets
/// in the first place; this is the second line of defence against a server echoing one back.
/// </summary>
internal sealed class SecretRedactor
{
    private const int MinimumLength = 4;
    private const string Mask = "***";
    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.Ordinal);
    private readonly Action<string>? _sink;
    private readonly Action<string>? _traceSink;

    public SecretRedactor(Action<string>? sink, Action<string>? traceSink = null)
    {
        _sink = sink;
        _traceSink = traceSink;
    }

    public void Add(string? secret)
    {
        if (secret is not null && secret.Length >= MinimumLength)
        {
            _secrets.TryAdd(secret, 0);
        }
    }

    public void AddCredential(RegistryCredential credential)
    {
        Add(credential.Password);
        Add(credential.IdentityToken);
        if (credential.Password is not null)
        {
            Add(Convert.ToBase64String(Encoding.UTF8.GetBytes(credential.UserName + ":" + credential.Password)));
        }
    }

    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text) || _secrets.IsEmpty)
        {
            return text;
        }

        var result = text;
        foreach (var secret in _secrets.Keys)
        {
            if (result.IndexOf(secret, StringComparison.Ordinal) >= 0)
            {
                result = result.Replace(secret, Mask);
            }
        }

        return result;
    }

    /// <summary>Sends a line to the verbose sink, if any, with secrets removed.</summary>
    public void Log(string message)
    {
        if (_sink is not null)
        {
            _sink(Redact(message));
        }
    }

    /// <summary>Sends a line of HTTP detail to the debug sink, if any, with secrets removed.</summary>
    public void Trace(string message)
    {
        if (_traceSink is not null)
        {
            _traceSink(Redact(message));
        }
    }
}
