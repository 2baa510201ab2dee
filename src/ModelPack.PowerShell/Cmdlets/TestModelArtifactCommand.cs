using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.Validation;

namespace ModelPack.Cmdlets;

/// <summary>Validates manifests, configs and artifacts against the ModelPack spec and re-verifies every blob.</summary>
[Cmdlet(VerbsDiagnostic.Test, "ModelArtifact", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ModelValidationResult), typeof(bool))]
public sealed class TestModelArtifactCommand : ModelPackCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string InputObjectSet = "InputObject";

    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = System.Array.Empty<string>();

    /// <summary>Binds file objects from the pipeline (Get-ChildItem) by their FullName or PSPath.</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = System.Array.Empty<string>();

    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelArtifact? InputObject { get; set; }

    /// <summary>Emit one bool per input instead of result objects.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            Emit(TestArtifact(InputObject!));
            return;
        }

        foreach (var p in ParameterSetName == LiteralPathSet ? LiteralPath : Path)
        {
            var full = ResolveFileSystemPath(p);
            try
            {
                Emit(TestPath(full));
            }
            catch (ModelPackException ex)
            {
                WriteModelPackError(ex, full);
            }
        }
    }

    private IReadOnlyList<ModelValidationResult> TestPath(string full)
    {
        if (Directory.Exists(full))
        {
            var layout = OciLayout.Open(full);
            var results = new List<ModelValidationResult>();
            foreach (var entry in layout.ReadEntries())
            {
                var name = entry.RefName ?? entry.Descriptor.Digest;
                if (!entry.Manifest.IsModelArtifact)
                {
                    WriteVerbose($"Skipping '{name}': not a ModelPack model.");
                    continue;
                }

                WriteVerbose($"Validating '{name}' ({entry.Descriptor.Digest}) in '{full}'.");
                results.Add(ArtifactValidator.ValidateInLayout(layout, entry.Manifest, name));
            }

            return results;
        }

        WriteVerbose($"Validating '{full}'.");
        return new[] { ArtifactValidator.ValidateFile(full) };
    }

    private ModelValidationResult[] TestArtifact(ModelArtifact artifact)
    {
        if (artifact.StorePath is null)
        {
            WriteError(
                ErrorIds.PathNotFound,
                ErrorCategory.InvalidArgument,
                $"Artifact '{artifact.Reference}' has no local copy to verify.",
                artifact);
            return System.Array.Empty<ModelValidationResult>();
        }

        try
        {
            var layout = OciLayout.Open(artifact.StorePath);
            return new[] { ArtifactValidator.ValidateInLayout(layout, artifact.Manifest, artifact.Reference) };
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, artifact);
            return System.Array.Empty<ModelValidationResult>();
        }
    }

    private void Emit(IReadOnlyList<ModelValidationResult> results)
    {
        if (Quiet)
        {
            WriteObject(results.Count > 0 && results.All(r => r.IsValid));
            return;
        }

        foreach (var r in results)
        {
            WriteObject(r);
        }
    }
}
