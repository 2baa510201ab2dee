namespace ModelPack.Core.Mounts.Rendering;

/// <summary>One quadlet unit file: its name (NAME.container, NAME.artifact, NAME.image) and its text.</summary>
public sealed class QuadletFile
{
    public QuadletFile(string name, string content)
    {
        Name = name;
        Content = content;
    }

    /// <summary>The file name to save it under, in ~/.config/containers/systemd/ or /etc/containers/systemd/.</summary>
    public string Name { get; }

    /// <summary>The unit's text, with '\n' line ends.</summary>
    public string Content { get; }

    public override string ToString() => "# " + Name + "\n" + Content;
}
