using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace ModelPack.Core.Registry;

/// <summary>
/// Reads the part of TOML that registries.conf uses: <c>[table]</c> and <c>[[array.of.tables]]</c>
/// headers, and <c>key = value</c> with strings (basic, literal, multi-line), booleans and arrays.
/// Other values (numbers, dates, inline tables) are parsed only far enough to skip them and are
/// reported as <see cref="Unsupported"/>. Malformed input throws <see cref="FormatException"/>.
/// </summary>
internal sealed class TomlSubsetReader
{
    /// <summary>The value of a key whose type this reader does not model.</summary>
    public static readonly object Unsupported = new();

    private readonly string _text;
    private int _pos;
    private int _line = 1;

    private TomlSubsetReader(string text) => _text = text;

    /// <summary>One <c>[header]</c> or <c>[[header]]</c> section and its keys (dotted keys joined with '.').</summary>
    public sealed class Table
    {
        public Table(string name, bool isArrayElement)
        {
            Name = name;
            IsArrayElement = isArrayElement;
        }

        /// <summary>The header's dotted name; empty for the keys before the first header.</summary>
        public string Name { get; }

        public bool IsArrayElement { get; }

        /// <summary>string, bool, <see cref="List{T}"/> of values, or <see cref="Unsupported"/>.</summary>
        public Dictionary<string, object> Values { get; } = new(StringComparer.Ordinal);
    }

    public static List<Table> Parse(string text)
    {
        var reader = new TomlSubsetReader(text ?? string.Empty);
        return reader.ParseDocument();
    }

    private List<Table> ParseDocument()
    {
        var tables = new List<Table>();
        var current = new Table(string.Empty, false);
        tables.Add(current);
        while (true)
        {
            SkipBlankLinesAndComments();
            if (AtEnd)
            {
                return tables;
            }

            if (Peek == '[')
            {
                var isArray = PeekAt(1) == '[';
                _pos += isArray ? 2 : 1;
                SkipSpaces();
                var name = ReadDottedKey();
                SkipSpaces();
                Expect(']');
                if (isArray)
                {
                    Expect(']');
                }

                current = new Table(name, isArray);
                tables.Add(current);
            }
            else
            {
                var key = ReadDottedKey();
                SkipSpaces();
                Expect('=');
                SkipSpaces();
                current.Values[key] = ReadValue();
            }

            EndOfLine();
        }
    }

    private bool AtEnd => _pos >= _text.Length;

    private char Peek => _text[_pos];

    private char PeekAt(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private FormatException Error(string what) =>
        new(string.Format(CultureInfo.InvariantCulture, "line {0}: {1}", _line, what));

    private void Expect(char c)
    {
        if (AtEnd || Peek != c)
        {
            throw Error($"expected '{c}'");
        }

        _pos++;
    }

    private void SkipSpaces()
    {
        while (!AtEnd && (Peek == ' ' || Peek == '\t'))
        {
            _pos++;
        }
    }

    private void SkipComment()
    {
        if (!AtEnd && Peek == '#')
        {
            while (!AtEnd && Peek != '\n')
            {
                _pos++;
            }
        }
    }

    private void SkipBlankLinesAndComments()
    {
        while (true)
        {
            SkipSpaces();
            SkipComment();
            if (AtEnd)
            {
                return;
            }

            if (Peek == '\r' && PeekAt(1) == '\n')
            {
                _pos++;
            }

            if (Peek != '\n')
            {
                return;
            }

            _pos++;
            _line++;
        }
    }

    private void EndOfLine()
    {
        SkipSpaces();
        SkipComment();
        if (AtEnd)
        {
            return;
        }

        if (Peek == '\r' && PeekAt(1) == '\n')
        {
            _pos++;
        }

        if (Peek != '\n')
        {
            throw Error($"unexpected '{Peek}' after value");
        }

        _pos++;
        _line++;
    }

    private string ReadDottedKey()
    {
        var parts = new List<string>();
        while (true)
        {
            SkipSpaces();
            parts.Add(ReadSimpleKey());
            SkipSpaces();
            if (!AtEnd && Peek == '.')
            {
                _pos++;
                continue;
            }

            return string.Join(".", parts);
        }
    }

    private string ReadSimpleKey()
    {
        if (AtEnd)
        {
            throw Error("expected a key");
        }

        if (Peek == '"')
        {
            return ReadBasicString();
        }

        if (Peek == '\'')
        {
            return ReadLiteralString();
        }

        var start = _pos;
        while (!AtEnd && (char.IsLetterOrDigit(Peek) || Peek == '_' || Peek == '-'))
        {
            _pos++;
        }

        if (_pos == start)
        {
            throw Error($"unexpected '{Peek}' where a key was expected");
        }

        return _text.Substring(start, _pos - start);
    }

    private object ReadValue()
    {
        if (AtEnd)
        {
            throw Error("expected a value");
        }

        switch (Peek)
        {
            case '"':
                return PeekAt(1) == '"' && PeekAt(2) == '"' ? ReadMultiLine("\"\"\"", escapes: true) : ReadBasicString();
            case '\'':
                return PeekAt(1) == '\'' && PeekAt(2) == '\'' ? ReadMultiLine("'''", escapes: false) : ReadLiteralString();
            case '[':
                return ReadArray();
            case '{':
                SkipInlineTable();
                return Unsupported;
        }

        var start = _pos;
        while (!AtEnd && Peek != '\n' && Peek != '\r' && Peek != '#' && Peek != ',' && Peek != ']' && Peek != '}')
        {
            _pos++;
        }

        var raw = _text.Substring(start, _pos - start).TrimEnd();
        if (raw.Length == 0)
        {
            throw Error("expected a value");
        }

        return raw switch
        {
            "true" => true,
            "false" => false,
            _ => Unsupported,
        };
    }

    private List<object> ReadArray()
    {
        Expect('[');
        var items = new List<object>();
        while (true)
        {
            SkipBlankLinesAndComments();
            if (AtEnd)
            {
                throw Error("unterminated array");
            }

            if (Peek == ']')
            {
                _pos++;
                return items;
            }

            items.Add(ReadValue());
            SkipBlankLinesAndComments();
            if (!AtEnd && Peek == ',')
            {
                _pos++;
            }
            else if (AtEnd || Peek != ']')
            {
                throw Error("expected ',' or ']' in array");
            }
        }
    }

    private void SkipInlineTable()
    {
        Expect('{');
        SkipSpaces();
        if (!AtEnd && Peek == '}')
        {
            _pos++;
            return;
        }

        while (true)
        {
            SkipSpaces();
            ReadDottedKey();
            SkipSpaces();
            Expect('=');
            SkipSpaces();
            ReadValue();
            SkipSpaces();
            if (AtEnd)
            {
                throw Error("unterminated inline table");
            }

            if (Peek == ',')
            {
                _pos++;
                continue;
            }

            Expect('}');
            return;
        }
    }

    private string ReadLiteralString()
    {
        Expect('\'');
        var start = _pos;
        while (!AtEnd && Peek != '\'' && Peek != '\n')
        {
            _pos++;
        }

        if (AtEnd || Peek != '\'')
        {
            throw Error("unterminated string");
        }

        var value = _text.Substring(start, _pos - start);
        _pos++;
        return value;
    }

    private string ReadBasicString()
    {
        Expect('"');
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd || Peek == '\n')
            {
                throw Error("unterminated string");
            }

            var c = _text[_pos++];
            if (c == '"')
            {
                return sb.ToString();
            }

            if (c == '\\')
            {
                sb.Append(ReadEscape());
            }
            else
            {
                sb.Append(c);
            }
        }
    }

    private string ReadMultiLine(string delimiter, bool escapes)
    {
        _pos += 3;
        if (!AtEnd && Peek == '\r' && PeekAt(1) == '\n')
        {
            _pos++;
        }

        if (!AtEnd && Peek == '\n')
        {
            _pos++;
            _line++;
        }

        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd)
            {
                throw Error("unterminated multi-line string");
            }

            if (string.CompareOrdinal(_text, _pos, delimiter, 0, 3) == 0)
            {
                _pos += 3;
                return sb.ToString();
            }

            var c = _text[_pos++];
            if (c == '\n')
            {
                _line++;
            }

            if (escapes && c == '\\')
            {
                if (!AtEnd && (Peek == '\n' || Peek == '\r' || Peek == ' ' || Peek == '\t'))
                {
                    // A line-ending backslash trims the newline and the whitespace that follows.
                    while (!AtEnd && char.IsWhiteSpace(Peek))
                    {
                        if (Peek == '\n')
                        {
                            _line++;
                        }

                        _pos++;
                    }

                    continue;
                }

                sb.Append(ReadEscape());
            }
            else
            {
                sb.Append(c);
            }
        }
    }

    private string ReadEscape()
    {
        if (AtEnd)
        {
            throw Error("unterminated escape");
        }

        var e = _text[_pos++];
        switch (e)
        {
            case 'b': return "\b";
            case 't': return "\t";
            case 'n': return "\n";
            case 'f': return "\f";
            case 'r': return "\r";
            case '"': return "\"";
            case '\\': return "\\";
            case 'u':
            case 'U':
                var length = e == 'u' ? 4 : 8;
                if (_pos + length > _text.Length ||
                    !int.TryParse(_text.Substring(_pos, length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code) ||
                    code < 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
                {
                    throw Error("invalid unicode escape");
                }

                _pos += length;
                return char.ConvertFromUtf32(code);
            default:
                throw Error($"invalid escape '\\{e}'");
        }
    }
}
