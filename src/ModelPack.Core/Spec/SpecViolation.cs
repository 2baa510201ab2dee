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

    /// <summary>
    /// True when the violation is only a name the current spec does not use (an earlier media type or annotation key,
    /// another producer's layer type, a config that is not the ModelPack one): the artifact is still read, listed and
    /// mounted; Test-ModelArtifact reports it as not conforming.
    /// </summary>
    public bool NamingOnly { get; internal set; }

    public override string ToString() => $"{Path}: {Message}";
}
