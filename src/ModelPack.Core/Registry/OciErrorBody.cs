using System.Collections.Generic;
using System.Text.Json;
using ModelPack.Core.Spec;

namespace ModelPack.Core.Registry;

/// <summary>The OCI distribution error body: <c>{"errors":[{"code":"...","message":"...","detail":...}]}</c>.</summary>
internal sealed class OciErrorBody
{
    private OciErrorBody(List<string> codes, List<string> messages)
    {
        Codes = codes;
        Messages = messages;
    }

    public static OciErrorBody Empty { get; } = new(new List<string>(), new List<string>());

    public IReadOnlyList<string> Codes { get; }

    /// <summary>"CODE: message" for each error, for the exception message.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>The same body with each message and code passed through <paramref name="redact"/>.</summary>
    public OciErrorBody Redacted(System.Func<string, string> redact)
    {
        var messages = new List<string>();
        foreach (var m in Messages)
        {
            messages.Add(redact(m));
        }

        var codes = new List<string>();
        foreach (var c in Codes)
        {
            codes.Add(redact(c));
        }

        return new OciErrorBody(codes, messages);
    }

    public static OciErrorBody Parse(byte[]? body)
    {
        if (body is null || body.Length == 0)
        {
            return Empty;
        }

        try
        {
            using var doc = JsonText.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object ||
                !doc.RootElement.TryGetProperty("errors", out var errors) ||
                errors.ValueKind != JsonValueKind.Array)
            {
                return Empty;
            }

            var codes = new List<string>();
            var messages = new List<string>();
            foreach (var error in errors.EnumerateArray())
            {
                if (error.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() ?? string.Empty : string.Empty;
                var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? string.Empty : string.Empty;
                if (code.Length > 0)
                {
                    codes.Add(code);
                }

                var text = code.Length > 0 && message.Length > 0 ? code + ": " + message : code + message;
                if (text.Length > 0)
                {
                    messages.Add(text.Length > 300 ? text.Substring(0, 300) + "..." : text);
                }
            }

            return new OciErrorBody(codes, messages);
        }
        catch (JsonException)
        {
            return Empty;
        }
    }
}
