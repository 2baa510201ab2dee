using System.Globalization;
using System.Linq;
using ModelPack.Core.Errors;
using ModelPack.Core.Spec;
using Tomlyn;
using Tomlyn.Parsing;

namespace ModelPack.Core.Registry;

/// <summary>
/// Reads one registries.conf file with Tomlyn: first as TOML (what TOML rejects, such as a key defined
/// twice or a table header left open, is an error naming the file and line), then into
/// <see cref="RegistriesConfDocument"/> (a value of the wrong type is an error with its line too).
/// Tomlyn reads TOML 1.1, which also allows what 1.1 added (newlines and trailing commas in inline
/// tables, <c>\e</c> and <c>\xHH</c> escapes); podman's reader rejects those. Tomlyn 2.11.1's validator
/// also refuses one valid form: an element of <c>[[registry]]</c> that sets <c>mirror = [...]</c> inline
/// after an earlier element used <c>[[registry.mirror]]</c> headers (it takes the key for defined twice);
/// either form used throughout a file reads (RegistriesConfTests pins this).
/// </summary>
internal static class RegistriesConfReader
{
    public static RegistriesConfDocument Read(string text, string path)
    {
        var syntax = SyntaxParser.Parse(text, path, true);
        if (syntax.HasErrors)
        {
            var first = syntax.Diagnostics.First(d => d.Kind == Tomlyn.Syntax.DiagnosticMessageKind.Error);
            throw Invalid(path, first.Span.Start.Line + 1, first.Message);
        }

        try
        {
            return TomlSerializer.Deserialize<RegistriesConfDocument>(text, new TomlSerializerOptions { SourceName = path })
                ?? new RegistriesConfDocument();
        }
        catch (TomlException ex)
        {
            throw Invalid(path, ex.Line ?? 0, WithoutPosition(ex.Message, path), ex);
        }
    }

    /// <summary>A rule of containers-registries.conf(5) the file breaks, beyond TOML.</summary>
    public static ModelPackException Invalid(string path, string problem) =>
        new(
            ErrorIds.InvalidConfiguration,
            ErrorKind.InvalidData,
            $"registries.conf file {DisplayText.Quote(path)}: {problem} Fix the file (containers-registries.conf(5)), or point CONTAINERS_REGISTRIES_CONF at another one.",
            path);

    private static ModelPackException Invalid(string path, int line, string problem, System.Exception? inner = null) =>
        new(
            ErrorIds.InvalidConfiguration,
            ErrorKind.InvalidData,
            $"registries.conf file {DisplayText.Quote(path)}, line {line.ToString(CultureInfo.InvariantCulture)}: {problem.TrimEnd('.')}. " +
            "Fix the file (containers-registries.conf(5)), or point CONTAINERS_REGISTRIES_CONF at another one.",
            path,
            inner);

    // Tomlyn's messages start with "path(line,column) : error : ".
    private static string WithoutPosition(string message, string path)
    {
        var marker = " : error : ";
        var at = message.IndexOf(marker, System.StringComparison.Ordinal);
        return message.StartsWith(path, System.StringComparison.Ordinal) && at > 0 ? message.Substring(at + marker.Length) : message;
    }
}
