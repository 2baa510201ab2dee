using System;
using System.Management.Automation;
using ModelPack.Completion;
using ModelPack.Core.Errors;
using ModelPack.Core.Mounts;

namespace ModelPack.Cmdlets;

/// <summary>The mount that makes a stored model visible inside a container (HttpBind: a read-only bind of its snapshot).</summary>
[Cmdlet(VerbsCommon.Get, "ModelMount", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(ModelMount), typeof(string))]
public sealed class GetModelMountCommand : StoreCmdlet
{
    private const string ReferenceSet = "Reference";
    private const string InputObjectSet = "InputObject";

    [Parameter(ParameterSetName = ReferenceSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoreReferenceCompleter))]
    public string[] Reference { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelArtifact? InputObject { get; set; }

    /// <summary>Where the model appears inside the container.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Destination { get; set; } = ContainerPath.DefaultDestination;

    [Parameter]
    public MountFormat As { get; set; } = MountFormat.Object;

    protected override void BeginProcessing()
    {
        try
        {
            Destination = ContainerPath.NormalizeDestination(Destination);
        }
        catch (ModelPackException ex)
        {
            ThrowModelPackError(ex, Destination);
        }
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            Emit(InputObject!);
            return;
        }

        var stored = ListStore();
        foreach (var value in Reference)
        {
            var matches = Resolve(stored, value, $"Run Save-ModelArtifact '{value}' to download it first.", allowPatterns: false);
            foreach (var artifact in matches)
            {
                Emit(artifact);
            }
        }
    }

    private void Emit(ModelArtifact artifact)
    {
        ModelMount mount;
        try
        {
            mount = BindMountBuilder.Build(artifact, Destination);
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, artifact.Reference);
            return;
        }

        WriteObject(As == MountFormat.Argument ? mount.Argument : mount);
    }
}
