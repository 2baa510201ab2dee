using System;
using System.Management.Automation;
using System.Management.Automation.Host;
using ModelPack.Cmdlets;
using ModelPack.Core.References;
using ModelPack.Core.Registry;

namespace ModelPack.Internal;

/// <summary>
/// Turns a short name into the fully qualified reference to pull, for one cmdlet invocation
/// (<see cref="ShortNameResolver"/> reads registries.conf once): an alias or a single candidate as is; several in
/// enforcing mode by asking with ShouldContinue, one candidate at a time in order, as podman's prompt lists them (no
/// prompt possible: ShortNameAmbiguous); several in permissive or disabled mode by the first registry that has it.
/// Each step is a verbose line.
/// </summary>
internal sealed class ShortNameChooser
{
    private readonly ShortNameResolver _resolver;

    public ShortNameChooser(Action<string> log) => _resolver = new ShortNameResolver(RegistryEnvironment.Current, log);

    /// <summary>The resolver of this invocation (registries.conf read once).</summary>
    public ShortNameResolver Resolver => _resolver;

    /// <summary>The reference to pull, and whether the user chose it at a prompt.</summary>
    /// <exception cref="Core.Errors.ModelPackException">ShortNameAmbiguous, ShortNameNotFound, InvalidConfiguration.</exception>
    public (ModelReference Reference, bool Prompted) Choose(ModelPackCmdlet cmdlet, string text, ModelReference parsed, RegistryClients clients)
    {
        var resolution = _resolver.Resolve(parsed);
        if (resolution.Source == ShortNameSource.Qualified)
        {
            return (parsed, false);
        }

        cmdlet.WriteVerbose(resolution.Describe());
        if (resolution.NeedsChoice)
        {
            return (Prompt(cmdlet, resolution, text), true);
        }

        return (cmdlet.Run(token => ShortNameResolver.FirstAvailableAsync(resolution, clients.For, cmdlet.PostVerbose, token)), false);
    }

    /// <summary>Records a prompted choice in podman's alias cache (after the pull it led to succeeded).</summary>
    public void Remember(ModelPackCmdlet cmdlet, ModelReference parsed, ModelReference chosen)
    {
        if (_resolver.Record(parsed, chosen) is string path)
        {
            cmdlet.WriteVerbose($"Recorded the alias '{parsed.ShortName}' = '{chosen.Name}' in '{path}', as podman does; later pulls of the short name use it.");
        }
    }

    private static ModelReference Prompt(ModelPackCmdlet cmdlet, ShortNameResolution resolution, string text)
    {
        if (!CanPrompt(cmdlet))
        {
            throw ShortNameErrors.Ambiguous(resolution, text, declined: false);
        }

        var name = resolution.Input.ShortName;
        var count = resolution.Candidates.Count;
        for (var i = 0; i < count; i++)
        {
            var candidate = resolution.Candidates[i];
            bool accepted;
            try
            {
                accepted = cmdlet.ShouldContinue(
                    $"Pull '{candidate}' for the short name '{name}'? (Answer No to see the next of the {count} candidates.)",
                    $"Short name '{name}': candidate {i + 1} of {count} (registries.conf short-name-mode enforcing)");
            }
            catch (Exception ex) when (ex is PSInvalidOperationException or HostException or NotImplementedException or PSNotImplementedException)
            {
                // -NonInteractive, or a host without a user interface.
                throw ShortNameErrors.Ambiguous(resolution, text, declined: false);
            }

            if (accepted)
            {
                return candidate;
            }
        }

        throw ShortNameErrors.Ambiguous(resolution, text, declined: true);
    }

    private static bool CanPrompt(PSCmdlet cmdlet) =>
        cmdlet.Host?.UI is not null && !string.Equals(cmdlet.Host.Name, "Default Host", StringComparison.Ordinal);
}
