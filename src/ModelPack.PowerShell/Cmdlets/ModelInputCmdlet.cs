using System;
using System.Management.Automation;
using ModelPack.Completion;
using ModelPack.Core.Strategies;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>
/// Cmdlets that take models by -Reference or as -InputObject (piped from Get-ModelArtifact) and go through one
/// strategy's store or mount: Save-ModelArtifact, Remove-ModelArtifact, Get-ModelMount. The parameters they
/// share, in every parameter set (-Strategy, -Engine) or in theirs (-Reference, -InputObject), are declared here once.
/// </summary>
public abstract class ModelInputCmdlet : StrategyCmdlet
{
    internal const string ReferenceSet = "Reference";
    internal const string InputObjectSet = "InputObject";

    /// <summary>Models by reference (Remove-ModelArtifact also takes wildcards and digests; Get-ModelMount digests).</summary>
    [Parameter(ParameterSetName = ReferenceSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoreReferenceCompleter))]
    public virtual string[] Reference { get; set; } = Array.Empty<string>();

    /// <summary>An artifact from Get-ModelArtifact (a store, or -Remote for Save-ModelArtifact).</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelArtifact? InputObject { get; set; }

    /// <summary>
    /// Which strategy: Auto (default), PodmanArtifact, PodmanImage or HttpBind. How to pull (Save), whose store to
    /// remove from (Remove), whose mount (Get-ModelMount); see each cmdlet's help.
    /// </summary>
    [Parameter]
    [StrategyNameTransformation]
    public StrategyName Strategy { get; set; } = StrategyName.Auto;

    /// <summary>podman, docker, none, auto, or a path to a podman or docker executable.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Engine { get; set; }
}
