using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using ModelPack.Completion;
using ModelPack.Core.Errors;
using ModelPack.Core.Store;

namespace ModelPack.Cmdlets;

/// <summary>Removes artifacts from the local store; blobs and snapshots no other artifact uses are deleted with them.</summary>
[Cmdlet(VerbsCommon.Remove, "ModelArtifact", DefaultParameterSetName = InputObjectSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ModelArtifact))]
public sealed class RemoveModelArtifactCommand : StoreCmdlet
{
    private const string ReferenceSet = "Reference";
    private const string InputObjectSet = "InputObject";
    private const string Action = "Remove model artifact";

    [Parameter(ParameterSetName = ReferenceSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(StoreReferenceCompleter))]
    public string[] Reference { get; set; } = Array.Empty<string>();

    [Parameter(ParameterSetName = InputObjectSet, Mandatory = true, ValueFromPipeline = true)]
    [ValidateNotNull]
    public ModelArtifact? InputObject { get; set; }

    /// <summary>Remove without asking for confirmation (-WhatIf still only describes).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName == InputObjectSet)
        {
            RemoveInputObject(InputObject!);
            return;
        }

        var stored = ListStore();
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in Reference)
        {
            foreach (var artifact in Resolve(stored, value, "Nothing was removed."))
            {
                if (removed.Add(artifact.Reference))
                {
                    Remove(ExistingStore()!, artifact);
                }
            }
        }
    }

    private void RemoveInputObject(ModelArtifact artifact)
    {
        if (!string.Equals(artifact.Strategy, ModelStore.StrategyName, StringComparison.Ordinal) || artifact.StorePath is null)
        {
            var where = artifact.Strategy == "Layout" ? $" It lives in the OCI layout '{artifact.StorePath}'; delete it there with your OCI tools." : string.Empty;
            WriteModelPackError(new ModelPackException(
                ErrorIds.ModelArtifactNotInStore,
                ErrorKind.InvalidArgument,
                $"'{artifact.Reference}' is a {artifact.Strategy} artifact; Remove-ModelArtifact removes only artifacts in the local store (HttpBind).{where}",
                artifact.Reference));
            return;
        }

        ModelStore store;
        try
        {
            // The store that holds it, even if MODELPACK_STORE changed since it was listed.
            store = ModelStore.Open(artifact.StorePath);
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, artifact.StorePath);
            return;
        }

        Remove(store, artifact);
    }

    private void Remove(ModelStore store, ModelArtifact artifact)
    {
        var description = string.Format(CultureInfo.CurrentCulture, "{0} ({1}, {2:N0} bytes) from the store '{3}'", artifact.Reference, artifact.Digest, artifact.Size, store.Root);
        if (!Confirmed(description))
        {
            return;
        }

        try
        {
            if (!store.Remove(artifact.Reference))
            {
                WriteModelPackError(new ModelPackException(
                    ErrorIds.ModelArtifactNotFound,
                    ErrorKind.ObjectNotFound,
                    $"No model artifact '{artifact.Reference}' in the store '{store.Root}' (already removed?).",
                    artifact.Reference));
                return;
            }
        }
        catch (ModelPackException ex)
        {
            WriteModelPackError(ex, artifact.Reference);
            return;
        }

        WriteVerbose($"Removed '{artifact.Reference}' ({artifact.Digest}) from '{store.Root}'; blobs and snapshots no other artifact uses were deleted.");
        if (PassThru)
        {
            WriteObject(artifact);
        }
    }

    /// <summary>
    /// ShouldProcess, except that -Force (without an explicit -Confirm) skips the prompt that
    /// ConfirmImpact High raises by default. -WhatIf still goes through ShouldProcess, which then
    /// only prints what would happen. (Calling ShouldContinue after ShouldProcess, as low-impact
    /// cmdlets do, would ask twice here.)
    /// </summary>
    private bool Confirmed(string description)
    {
        if (Force && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !WhatIfRequested())
        {
            return true;
        }

        return ShouldProcess(description, Action);
    }

    private bool WhatIfRequested()
    {
        if (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound))
        {
            return bound is SwitchParameter s ? s.IsPresent : LanguagePrimitives.IsTrue(bound);
        }

        return LanguagePrimitives.IsTrue(SessionState.PSVariable.GetValue("WhatIfPreference"));
    }
}
