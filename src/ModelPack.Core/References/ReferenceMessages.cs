using System.Globalization;
using ModelPack.Core.Errors;

namespace ModelPack.Core.References;

/// <summary>
/// Every text the reference grammar reports: the reasons a part is invalid (completing "... is invalid: ") and
/// the messages of a reference that cannot be parsed, so every caller words them the same way.
/// </summary>
internal static class ReferenceMessages
{
    public const string Syntax = "[registry[:port]/]repository[:tag][@digest]";

    public const string Empty = "it is empty";

    public static ModelPackException Invalid(string message, string? target) =>
        new(ErrorIds.InvalidReference, ErrorKind.InvalidArgument, message, target);

    // Reasons for a host[:port].
    public const string NoClosingBracket = "the IPv6 address has no closing ']'";
    public const string MoreThanOneColon = "it has more than one ':'; write IPv6 addresses in brackets, e.g. [::1]:5000";
    public const string EmptyHostName = "the host name is empty";
    public const string EmptyBrackets = "the brackets hold no IPv6 address";
    public const string EmptyPort = "the port after ':' is empty";

    public static string NotAPortAfterIPv6(string rest) => $"'{rest}' after the IPv6 address is not a ':port'";

    public static string EmptyHostLabel(string host) => $"host '{host}' has an empty label (a leading, trailing or doubled '.')";

    public static string HostLabelHyphen(string label) => $"host label '{label}' must not start or end with '-'";

    public static string HostCharacter(string host, char c) => $"host '{host}' contains '{Printable(c)}'; host names use letters, digits, '-' and '.'";

    public static string IPv6Characters(string address) => $"'[{address}]' is not an IPv6 address: only hex digits and ':' are allowed";

    public static string InvalidIPv6(string address) => $"'[{address}]' is not a valid IPv6 address";

    public static string PortNotANumber(string text) => $"port '{text}' is not a number";

    public static string PortOutOfRange(string text) => $"port '{text}' is outside 1-65535";

    // Reasons for a repository path or a tag.
    public const string EmptyPathComponent = "it has an empty path component (a leading, trailing or doubled '/')";
    public const string ComponentEnds = "must start and end with a lowercase letter or digit";
    public const string MixedSeparators = "mixes separators; between letters and digits use one '.', one or two '_', or one or more '-'";
    public const string TagStart = "it must start with a letter, digit or '_'";

    public static string TooLong(int length, int limit) => $"it has {length} characters, at most {limit} are allowed";

    public static string Uppercase(string repository) => $"repository names must be lowercase; use '{repository.ToLowerInvariant()}'";

    public static string InComponent(string component, string reason) => $"path component '{component}' {reason}";

    public static string ComponentCharacter(char c) => $"contains '{Printable(c)}'; only lowercase letters, digits, '.', '_' and '-' are allowed";

    public static string TagCharacter(char c) => $"'{Printable(c)}' is not allowed; use letters, digits, '_', '.' and '-'";

    // Messages of a whole reference.
    public static string EmptyReference() => $"The model reference is empty. Use {Syntax}, e.g. 'ghcr.io/org/model:v1'.";

    public static string EmptyAfterTransport(string reference) =>
        $"'{reference}' names no reference after its transport prefix. Use e.g. 'docker://ghcr.io/org/model:v1' or 'rlcr://granite:latest'.";

    public static string BareIdentifier(string reference) =>
        $"'{reference}' is a bare 64-character hex id, not a repository name. To pin a digest write 'repository@sha256:{reference}'.";

    public static string Whitespace(string reference) => $"Model reference '{reference}' has leading or trailing whitespace; remove it.";

    public static string TwoDigests(string reference) => $"'{reference}' has more than one '@'; a reference pins at most one digest.";

    public static string EmptyDigest(string reference) =>
        $"The digest in '{reference}' is empty: remove the trailing '@' or add a digest such as 'sha256:<64 hex digits>'.";

    public static string InvalidDigest(string digest, string reference, string reason) => $"Digest '{digest}' in '{reference}' is invalid: {reason}";

    public static string OnlyRegistry(string reference, string registry) => $"'{reference}' names only a registry; add a repository, e.g. '{registry}/model:v1'.";

    public static string EmptyTag(string reference) => $"The tag in '{reference}' is empty: remove the trailing ':' or add a tag.";

    public static string InvalidTag(string tag, string reference, string reason) => $"Tag '{tag}' in '{reference}' is invalid: {reason}.";

    public static string NoRepository(string reference) => $"'{reference}' has no repository name. Use {Syntax}.";

    public static string NoRepositoryAfterRegistry(string reference, string registry) =>
        $"'{reference}' has no repository after the registry '{registry}/'. Use {Syntax}.";

    public static string InvalidRegistry(string registry, string reference, string reason) => $"Registry '{registry}' in '{reference}' is invalid: {reason}.";

    public static string InvalidRepository(string repository, string reference, string reason) => $"Repository '{repository}' in '{reference}' is invalid: {reason}.";

    public static string InvalidNewTag(string tag, string name, string reason) => $"Tag '{tag}' for '{name}' is invalid: {reason}.";

    /// <summary>A registry named alone (auth files, insecure lists, -Destination hosts).</summary>
    public static string InvalidRegistryName(string registry, string reason) => $"Registry '{registry}' is invalid: {reason}.";

    public static string NotHostAndPort(string registry) => $"Registry '{registry}' is not of the form host[:port].";

    /// <summary>A character as it can be read in a message: controls and white space as \uXXXX.</summary>
    public static string Printable(char c) =>
        c < 0x20 || c == 0x7F || char.IsWhiteSpace(c)
            ? "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture)
            : c.ToString();
}
