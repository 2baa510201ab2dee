namespace ModelPack.Core.Spec;

/// <summary>One way a manifest or config breaks the spec, located by JSON path (e.g. <c>$.layers[2].digest</c>).</summary>
public sealed class SpecViolation
{
    /// <remarks>Control characters in <paramref name="message"/> are escaped: messages quote untrusted values.</remarks>
    public SpecViolation(string path, string message)
    {
        Path = path;
        Message = DisplayText.EscapeControls(message);
    }

    public string Path { get; }

    public string Message { get; }

    public override string ToString() => $"{Path}: {Message}";
}
