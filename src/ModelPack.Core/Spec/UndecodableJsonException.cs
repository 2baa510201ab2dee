using System.Text.Json;

namespace ModelPack.Core.Spec;

/// <summary>
/// JSON that parses but holds a string or property name no text can be: bytes that are not UTF-8, or an
/// escaped lone UTF-16 surrogate (<c>"\ud800"</c>). System.Text.Json accepts both while parsing and throws
/// InvalidOperationException only when the value is read; <see cref="JsonText.Parse(byte[], JsonDocumentOptions?)"/>
/// finds them at once and throws this instead, with <see cref="JsonException.Path"/> locating the value
/// (<c>$.layers[0].annotations["org.cncf.model.filepath"]</c>). It is a <see cref="JsonException"/>, so every
/// reader that already handles malformed JSON handles it too.
/// </summary>
public sealed class UndecodableJsonException : JsonException
{
    public UndecodableJsonException(string path, string problem)
        : base($"{path} {problem}", path, null, null)
    {
        Problem = problem;
    }

    /// <summary>What is wrong with it, e.g. "is not valid UTF-8".</summary>
    public string Problem { get; }
}
