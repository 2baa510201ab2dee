using System;
using System.Collections.Generic;
using System.Text;

namespace ModelPack.Core.Registry;

/// <summary>
/// One challenge of a <c>WWW-Authenticate</c> header (RFC 7235): a scheme and its parameters,
/// e.g. <c>Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"</c>.
/// </summary>
internal sealed class AuthChallenge
{
    public AuthChallenge(string scheme, IReadOnlyDictionary<string, string> parameters)
    {
        Scheme = scheme;
        Parameters = parameters;
    }

    public string Scheme { get; }

    /// <summary>Parameters by case-insensitive name; quoted values are unescaped.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; }

    public bool IsBearer => string.Equals(Scheme, "Bearer", StringComparison.OrdinalIgnoreCase);

    public bool IsBasic => string.Equals(Scheme, "Basic", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Get("realm");

    public string? Service => Get("service");

    public string? Scope => Get("scope");

    /// <summary>The OAuth error, e.g. <c>insufficient_scope</c> or <c>invalid_token</c>.</summary>
    public string? Error => Get("error");

    public string? Get(string name) => Parameters.TryGetValue(name, out var v) ? v : null;

    /// <summary>The challenge this client answers: Bearer if offered, else Basic, else null.</summary>
    public static AuthChallenge? Select(IEnumerable<string> headerValues)
    {
        AuthChallenge? basic = null;
        foreach (var value in headerValues)
        {
            foreach (var challenge in ParseAll(value))
            {
                if (challenge.IsBearer && challenge.Realm is not null)
                {
                    return challenge;
                }

                if (challenge.IsBasic)
                {
                    basic ??= challenge;
                }
            }
        }

        return basic;
    }

    /// <summary>Parses every challenge in one header value. Malformed trailing input is dropped, never thrown.</summary>
    public static List<AuthChallenge> ParseAll(string header)
    {
        var result = new List<AuthChallenge>();
        var p = new Cursor(header ?? string.Empty);
        p.SkipSeparators();
        var scheme = p.ReadToken();
        while (scheme.Length > 0)
        {
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var nextScheme = ReadParameters(p, parameters);
            result.Add(new AuthChallenge(scheme, parameters));
            scheme = nextScheme ?? string.Empty;
        }

        return result;
    }

    /// <summary>Reads one challenge's <c>name=value</c> parameters; returns the scheme of the next challenge, or null at the end.</summary>
    private static string? ReadParameters(Cursor p, Dictionary<string, string> parameters)
    {
        while (true)
        {
            p.SkipSeparators();
            if (p.AtEnd)
            {
                return null;
            }

            var mark = p.Position;
            var name = p.ReadToken();
            if (name.Length == 0)
            {
                // Not a token: skip one character so malformed input cannot loop.
                p.Position = mark + 1;
                continue;
            }

            p.SkipSpaces();
            if (p.Current != '=')
            {
                // A bare token after a comma starts the next challenge.
                return name;
            }

            p.Position++;
            p.SkipSpaces();
            if (p.AtEnd || p.Current == ',')
            {
                // token68 ("abc==") or an empty value: nothing a registry challenge needs.
                while (!p.AtEnd && p.Current == '=')
                {
                    p.Position++;
                }

                continue;
            }

            var value = p.Current == '"' ? p.ReadQuoted() : p.ReadBareValue();
            if (!parameters.ContainsKey(name))
            {
                parameters[name] = value;
            }
        }
    }

    public override string ToString() => Realm is null ? Scheme : $"{Scheme} realm=\"{Realm}\"";

    private sealed class Cursor
    {
        private readonly string _s;

        public Cursor(string s) => _s = s;

        public int Position { get; set; }

        public bool AtEnd => Position >= _s.Length;

        public char Current => AtEnd ? '\0' : _s[Position];

        public void SkipSpaces()
        {
            while (!AtEnd && (Current == ' ' || Current == '\t'))
            {
                Position++;
            }
        }

        public void SkipSeparators()
        {
            while (!AtEnd && (Current == ' ' || Current == '\t' || Current == ','))
            {
                Position++;
            }
        }

        public string ReadToken()
        {
            var start = Position;
            while (!AtEnd && IsTokenChar(Current))
            {
                Position++;
            }

            return _s.Substring(start, Position - start);
        }

        /// <summary>An unquoted value, read leniently up to a comma or space (some servers leave URLs unquoted).</summary>
        public string ReadBareValue()
        {
            var start = Position;
            while (!AtEnd && Current != ',' && Current != ' ' && Current != '\t')
            {
                Position++;
            }

            return _s.Substring(start, Position - start);
        }

        public string ReadQuoted()
        {
            Position++; // opening quote
            var sb = new StringBuilder();
            while (!AtEnd)
            {
                var c = _s[Position++];
                if (c == '"')
                {
                    return sb.ToString();
                }

                if (c == '\\' && !AtEnd)
                {
                    c = _s[Position++];
                }

                sb.Append(c);
            }

            return sb.ToString();
        }

        private static bool IsTokenChar(char c) =>
            c > 32 && c < 127 && "()<>@,;:\\\"/[]?={} \t".IndexOf(c) < 0;
    }
}
