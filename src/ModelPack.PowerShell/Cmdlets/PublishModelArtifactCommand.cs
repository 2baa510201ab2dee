using System;
using System.Globalization;
using System.Management.Automation;
using ModelPack.Completion;
using ModelPack.Core.Errors;
using ModelPack.Core.Packing;
using ModelPack.Core.References;
using ModelPack.Core.Registry;
using ModelPack.Core.Store;
using ModelPack.Internal;

namespace ModelPack.Cmdlets;

/// <summary>Pushes artifacts from the local store to a registry: the one their reference names, or -Destination.</summary>
[Cmdlet(VerbsData.Publish, "ModelArtifact", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true)]
[OutputType(typeof(ModelArtifact))]
public sealed class PublishModelArtifactCommand : StoreCmdlet
{
    private const string ReferenceSet = "Reference";
    private const string InputObjectSet = "InputObject";
    private const string Action = "Publish model artifact";

    private RegistryClients? _clients;

    /// <summary>Stored artifacts to publish, by reference or manifest digest.</summary>
    [Parameter(ParameterSetName = ReferenceSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoreReferenceCompleter))]
    public string[] Reference { get; set; } = Array.Empty<string>();

    /// <summary>A stored artifact (from Get-ModelArtifact or New-ModelArtifact).</summary>
    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelArtifact? InputObject { get; set; }

    /// <summary>
    /// Where to publish (registry/repository[:tag]); without a tag the source's tag is kept. Bound by property
    /// name only with -Reference: were it also in the InputObject set, objects with Reference and Destination
    /// properties would leave the binder in the default set, short of InputObject.
    /// </summary>
    [Parameter(ParameterSetName = ReferenceSet, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = InputObjectSet)]
    [ValidateNotNullOrEmpty]
    public string? Destination { get; set; }

    [Parameter]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter]
    public SwitchParameter SkipTlsVerify { get; set; }

    /// <summary>How many times a failed registry request is sent again (0: never). Default: the config file's maxRetry, else 5.</summary>
    [Parameter]
    [ValidateRange(0, MaxRetryLimit)]
    public int MaxRetry { get; set; } = RegistryClientOptions.DefaultMaxRetry;

    /// <summary>Push the manifest even when the destination tag already names it.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        _clients = OpenRegistryClients(Credential, SkipTlsVerify, MaxRetry);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            PublishInputObject(InputObject!);
            return;
        }

        foreach (var text in Reference)
        {
            var reference = ParseReferenceOrWriteError(text);
            if (reference is null)
            {
                continue;
            }

            var store = ExistingStore();
            var artifact = store?.Find(reference);
            if (store is null || artifact is null)
            {
                WriteModelPackError(CmdletErrors.NotInStore(reference.ToString(), ErrorKind.ObjectNotFound, $"'{reference}' is not in the store at '{StoreRoot}'. Pack it with New-ModelArtifact or pull it with Save-ModelArtifact first."));
                continue;
            }

            Publish(store, artifact);
        }
    }

    private void PublishInputObject(ModelArtifact artifact)
    {
        if (!string.Equals(artifact.Strategy, ModelStore.StrategyName, StringComparison.Ordinal) || artifact.StorePath is null)
        {
            WriteModelPackError(CmdletErrors.NotInStore(
                artifact.Reference,
                ErrorKind.InvalidArgument,
                $"'{artifact.Reference}' is a {artifact.Strategy} artifact; Publish-ModelArtifact publishes artifacts from the local store (HttpBind). Save it with Save-ModelArtifact or pack it with New-ModelArtifact first."));
            return;
        }

        if (OpenStoreOf(artifact) is ModelStore store)
        {
            Publish(store, artifact);
        }
    }

    private void Publish(ModelStore store, ModelArtifact artifact)
    {
        ModelReference target;
        try
        {
            target = DestinationFor(artifact);
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, Destination ?? artifact.Reference);
            return;
        }

        var what = string.Format(CultureInfo.CurrentCulture, "{0} ({1}, {2:N0} bytes) to '{3}'", artifact.Reference, artifact.Digest, artifact.Size, target);
        if (!ShouldProcess(what, Action))
        {
            return;
        }

        Attempt(target.ToString(), CmdletErrors.PublishFailed(artifact.Reference, store.Root), () =>
        {
            var result = Push(store, artifact, target);
            WriteVerbose(Describe(result, target));
            if (PassThru)
            {
                WriteObject(result.Artifact);
            }
        });
    }

    private static string Describe(PublishResult result, ModelReference target) =>
        result.UpToDate
            ? $"'{target}' already names {result.Digest}: nothing was uploaded (-Force pushes the manifest again)."
            : string.Format(
                CultureInfo.CurrentCulture,
                "'{0}' now names {1}: {2} blob(s) uploaded ({3:N0} bytes), {4} mounted from another repository, {5} already present.",
                target,
                result.Digest,
                result.BlobsUploaded,
                result.BytesUploaded,
                result.BlobsMounted,
                result.BlobsExisting);

    /// <summary>-Destination (keeping the source's tag when it names none), else the artifact's own reference.</summary>
    private ModelReference DestinationFor(ModelArtifact artifact) => ModelPublisher.DestinationOf(artifact, Destination);

    private PublishResult Push(ModelStore store, ModelArtifact artifact, ModelReference target)
    {
        var client = _clients!.For(target);
        var progress = new PublishProgressWriter(target.ToString(), NextActivityId, WriteProgress);
        var options = new PublishOptions
        {
            Force = Force,
            Concurrency = Settings.Concurrency ?? new PublishOptions().Concurrency,
            Progress = Posting(progress),
            Log = PostVerbose,
        };
        return RunWithProgress(progress, token => ModelPublisher.PublishAsync(store, artifact, target, client, options, token));
    }
}
