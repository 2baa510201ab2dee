using ModelPack.Core.Mounts;

namespace ModelPack;

/// <summary>One mount that makes (part of) a model visible inside a container.</summary>
public sealed class ModelMount
{
    internal ModelMount(string reference, string strategy, string engine, MountSpec spec, string argument, string? entryPath)
    {
        Reference = reference;
        Strategy = strategy;
        Engine = engine;
        Spec = spec;
        Argument = argument;
        EntryPath = entryPath;
    }

    /// <summary>The model the mount is for.</summary>
    public string Reference { get; }

    public string Strategy { get; }

    /// <summary>The engine whose CLI syntax <see cref="Argument"/> uses: podman or docker.</summary>
    public string Engine { get; }

    /// <summary>bind, image or artifact.</summary>
    public string Type => Spec.Type;

    /// <summary>A host directory (bind) or a reference (image, artifact).</summary>
    public string Source => Spec.Source;

    /// <summary>Where the files appear inside the container.</summary>
    public string Destination => Spec.Destination;

    public bool ReadOnly => Spec.ReadOnly;

    public string? SubPath => Spec.SubPath;

    internal MountSpec Spec { get; }

    /// <summary>The exact command-line argument for the engine, e.g. <c>--mount=type=bind,src=...,destination=...,ro</c>.</summary>
    public string Argument { get; }

    /// <summary>The main weight file inside the container, when the model has one.</summary>
    public string? EntryPath { get; }

    /// <summary>True when the model is partial (a partial Save): the mount holds only the files that were downloaded.</summary>
    public bool Partial => PartialWarning is not null;

    /// <summary>For a partial model, what the mount lacks, worded for a warning; null when the model is complete.</summary>
    public string? PartialWarning { get; internal set; }

    public override string ToString() => Argument;
}
