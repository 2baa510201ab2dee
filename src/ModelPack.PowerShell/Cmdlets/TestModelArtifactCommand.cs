using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Completion;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Validation;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>
/// Validates manifests, configs and artifacts against the ModelPack spec and re-verifies every blob; for
/// artifacts in the local store also every snapshot file, and with -Repair downloads what is damaged again.
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "ModelArtifact", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(ModelValidationResult), typeof(bool))]
public sealed class TestModelArtifactCommand : StoreCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const string InputObjectSet = "InputObject";
    private const string ReferenceSet = "Reference";
    private const string RepairAction = "Repair model artifact (download damaged blobs again, rebuild the snapshot)";


    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = Array.Empty<string>();

    /// <summary>Binds file objects from the pipeline (Get-ChildItem) by their FullName or PSPath.</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelArtifact? InputObject { get; set; }

    /// <summary>Artifacts in the local store, by reference, digest or wildcard pattern.</summary>
    [Parameter(ParameterSetName = ReferenceSet, Mandatory = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoreReferenceCompleter))]
    public string[] Reference { get; set; } = Array.Empty<string>();

    /// <summary>Download damaged blobs of stored artifacts again and rebuild their snapshots.</summary>
    [Parameter(ParameterSetName = InputObjectSet)]
    [Parameter(ParameterSetName = ReferenceSet)]
    public SwitchParameter Repair { get; set; }

    [Parameter(ParameterSetName = InputObjectSet)]
    [Parameter(ParameterSetName = ReferenceSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter(ParameterSetName = InputObjectSet)]
    [Parameter(ParameterSetName = ReferenceSet)]
    public SwitchParameter SkipTlsVerify { get; set; }

    /// <summary>With -Repair: how many times a failed registry request is sent again (0: never). Default: the config file's maxRetry, else 5.</summary>
    [Parameter(ParameterSetName = InputObjectSet)]
    [Parameter(ParameterSetName = ReferenceSet)]
    [ValidateRange(0, MaxRetryLimit)]
    public int MaxRetry { get; set; } = RegistryClientOptions.DefaultMaxRetry;

    /// <summary>Emit one bool per input instead of result objects.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case InputObjectSet:
                Emit(TestArtifact(InputObject!));
                return;
            case ReferenceSet:
                TestReferences();
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
            var unreadable = new List<ModelValidationResult>();
            var entries = layout.ReadEntries((entry, error) =>
                unreadable.Add(new ModelValidationResult(entry.Annotation(AnnotationKeys.RefName) ?? entry.Digest, ArtifactValidator.ManifestKind, error.Violations, entry.Digest)));
            results.AddRange(unreadable);
            foreach (var entry in entries)
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

    private void TestReferences()
    {
        var stored = ListStore();
        var tested = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in Reference)
        {
            foreach (var artifact in Resolve(stored, value, "the local store", "Nothing was tested."))
            {
                if (tested.Add(artifact.Reference))
                {
                    Emit(TestStored(ExistingStore()!, artifact));
                }
            }
        }
    }

    private ModelValidationResult[] TestArtifact(ModelArtifact artifact)
    {
        if (artifact.StorePath is null)
        {
            return TestRemote(artifact);
        }

        if (string.Equals(artifact.Strategy, ModelStore.StrategyName, StringComparison.Ordinal))
        {
            return OpenStoreOf(artifact) is ModelStore store ? TestStored(store, artifact) : Array.Empty<ModelValidationResult>();
        }

        if (Repair)
        {
            WriteModelPackError(CmdletErrors.RepairOutsideStore(artifact));
            return Array.Empty<ModelValidationResult>();
        }

        try
        {
            var layout = OciLayout.Open(artifact.StorePath);
            return new[] { ArtifactValidator.ValidateInLayout(layout, artifact.Manifest, artifact.Reference) };
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, artifact);
            return Array.Empty<ModelValidationResult>();
        }
    }

    /// <summary>
    /// An artifact with no local copy (Get-ModelArtifact -Remote, Publish-ModelArtifact -PassThru): its manifest
    /// and config, as the registry sent them, against the spec; there are no blobs to re-hash.
    /// </summary>
    private ModelValidationResult[] TestRemote(ModelArtifact artifact)
    {
        if (Repair)
        {
            WriteModelPackError(CmdletErrors.RepairWithoutCopy(artifact));
            return Array.Empty<ModelValidationResult>();
        }

        WriteVerbose($"'{artifact.Reference}' ({artifact.Strategy}) has no local copy: validating its manifest and config only. Save it with Save-ModelArtifact to re-hash its blobs too.");
        var violations = new List<SpecViolation>(ManifestValidator.Validate(artifact.Manifest.ToBytes()));
        if (artifact.Config is not null)
        {
            violations.AddRange(artifact.Config.Validate().Select(v => new SpecViolation("config:" + v.Path, v.Message)));
        }

        return new[] { new ModelValidationResult(artifact.Reference, ArtifactValidator.ManifestKind, violations, artifact.Digest) };
    }

    /// <summary>
    /// A stored artifact: every blob and snapshot file re-hashed. With -Repair (confirmed), damaged blobs are
    /// downloaded again and the snapshot rebuilt, and the result is the verification after the repair.
    /// </summary>
    private ModelValidationResult[] TestStored(ModelStore store, ModelArtifact artifact)
    {
        var results = Array.Empty<ModelValidationResult>();
        Attempt(artifact.Reference, CmdletErrors.VerifyFailed(artifact.Reference, store.Root), () =>
        {
            if (Repair && ShouldProcess(artifact.Reference, RepairAction))
            {
                results = new[] { RepairStored(store, artifact) };
                return;
            }

            WriteVerbose($"Verifying '{artifact.Reference}' ({artifact.Digest}) in the store '{store.Root}'.");
            results = new[] { Verify(artifact.Reference, (progress, token) => Task.Run(() => ArtifactValidator.ValidateInStore(store, artifact, progress, token), token)) };
        });
        return results;
    }

    /// <summary>Downloads damaged blobs again and rebuilds the snapshot; the result is the verification after the repair.</summary>
    private ModelValidationResult RepairStored(ModelStore store, ModelArtifact artifact)
    {
        var clients = OpenRegistryClients(Credential, SkipTlsVerify, MaxRetry);
        RegistryClient? client = artifact.Registry is not null && ModelReference.TryParse(artifact.Reference, out var source, out _)
            ? clients.For(source!)
            : null;
        var repair = Verify(artifact.Reference, (progress, token) =>
        {
            var options = new RepairOptions { Progress = progress, Log = PostVerbose };
            return ArtifactRepair.RepairAsync(store, artifact, client, options, token);
        });
        if (repair.Before.IsValid)
        {
            WriteVerbose($"'{artifact.Reference}' ({artifact.Digest}) is intact; nothing to repair.");
        }
        else
        {
            WriteVerbose($"'{artifact.Reference}' had {repair.Before.Violations.Count} problem(s): {string.Join("; ", repair.Before.Violations)}");
            WriteVerbose($"Downloaded {repair.BlobsRepaired.Count} blob(s) again{(repair.SnapshotRebuilt ? " and rebuilt the snapshot" : string.Empty)}; {repair.After.Violations.Count} problem(s) left.");
        }

        return repair.After;
    }

    /// <summary>Runs verification work off the pipeline thread, with its progress and verbose lines pumped back.</summary>
    private T Verify<T>(string reference, Func<IProgress<VerificationProgress>, CancellationToken, Task<T>> work)
    {
        var writer = new VerificationProgressWriter(reference, NextActivityId, WriteProgress);
        var progress = Posting(writer);
        return RunWithProgress(writer, token => work(progress, token));
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
