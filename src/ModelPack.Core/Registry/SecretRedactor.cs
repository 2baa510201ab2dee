using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net;
using System.Text;

namespace ModelPack.Core.Registry;

/// <summary>
/// Remembers every secret the client handles (passwords, tokens and their Basic encodings) and
/// removes them from log lines and error messages. Messages are written not to contain secrets
/// in the first place; this is the second line of defence against a server echoing one back,
/// which it may do in another case or encoded: each secret is matched ignoring case, and so are its
/// base64 (also URL-safe and unpadded) and URL-encoded forms.
/// </summary>
internal sealed class SecretRedactor
{
    private const int MinimumLength = 4;
    private const string Mask = "***";
    private readonly ConcurrentDictionary<string, byte> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly Action<string>? _sink;
    private readonly Action<string>? _traceSink;

    public SecretRedactor(Action<string>? sink, Action<string>? traceSink = null)
    {
        _sink = sink;
        _traceSink = traceSink;
    }

    /// <summary>Remembers <paramref name="secret"/> and the forms a server could echo it in.</summary>
    public void Add(string? secret)
    {
        if (secret is null || secret.Length < MinimumLength)
        {
            return;
        }

        AddForm(secret);
        AddForm(Uri.EscapeDataString(secret));
        AddForm(WebUtility.UrlEncode(secret));
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(secret));
        AddForm(base64);
        AddForm(base64.TrimEnd('='));
        AddForm(base64.TrimEnd('=').Replace('+', '-').Replace('/', '_'));
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
        // Longest first: a form that contains another is masked whole.
        foreach (var secret in _secrets.Keys.OrderByDescending(k => k.Length))
        {
            result = ReplaceIgnoringCase(result, secret);
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

    private void AddForm(string form)
    {
        if (form.Length >= MinimumLength)
        {
            _secrets.TryAdd(form, 0);
        }
    }

    private static string ReplaceIgnoringCase(string text, string secret)
    {
        var at = text.IndexOf(secret, StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var from = 0;
        while (at >= 0)
        {
            builder.Append(text, from, at - from).Append(Mask);
            from = at + secret.Length;
            at = text.IndexOf(secret, from, StringComparison.OrdinalIgnoreCase);
        }

        return builder.Append(text, from, text.Length - from).ToString();
    }
}
