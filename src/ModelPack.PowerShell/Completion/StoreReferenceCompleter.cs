using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using ModelPack.Core.Configuration;
using ModelPack.Core.Errors;
using ModelPack.Core.Layout;
using ModelPack.Core.References;
using ModelPack.Core.Store;
using ModelPack.Internal;

namespace ModelPack.Completion;

/// <summary>
/// Tab completion of -Reference from the local store: full references, and familiar forms
/// (<c>tiny:v1</c>) when that is what the user started typing. Never creates the store.
/// </summary>
public sealed class StoreReferenceCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var results = new List<CompletionResult>();
        if (fakeBoundParameters is not null && fakeBoundParameters.Contains("Path") && string.Equals(commandName, "Get-ModelArtifact", StringComparison.OrdinalIgnoreCase))
        {
            return results; // -Path names a layout, whose ref names are not in the store
        }

        // A transport prefix the user typed (docker://, oci://, rlcr://) stays in front of what is completed.
        var typed = ReferenceTransport.Split((wordToComplete ?? string.Empty).Trim('\'', '"'), out var prefix);
        var pattern = WildcardPattern.Get(WildcardPattern.Escape(typed) + "*", WildcardOptions.IgnoreCase | WildcardOptions.CultureInvariant);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var artifact in Stored())
        {
            var familiar = StoreMatcher.FamiliarForm(artifact);
            string? match = pattern.IsMatch(artifact.Reference) ? artifact.Reference : pattern.IsMatch(familiar) ? familiar : null;
            if (match is null || !seen.Add(match))
            {
                continue;
            }

            var text = ReferenceTransport.Join(prefix, match);
            var tooltip = $"{artifact.Reference}{Environment.NewLine}{artifact.Name ?? "(unnamed)"}, {artifact.Digest}, {artifact.Size:N0} bytes";
            results.Add(new CompletionResult(Quote(text), text, CompletionResultType.ParameterValue, tooltip));
        }

        results.Sort((a, b) => string.CompareOrdinal(a.ListItemText, b.ListItemText));
        return results;
    }

    private static IReadOnlyList<ModelArtifact> Stored()
    {
        try
        {
            // Relative settings (MODELPACK_STORE=models) mean the prompt's location, as they do for the cmdlets.
            var environment = CurrentLocation() is string location ? HostEnvironment.Current.WithCurrentDirectory(location) : HostEnvironment.Current;
            var root = StoreLocation.Resolve(ModelPackSettingsLoader.Load(environment).Store, baseDirectory: environment.CurrentDirectory);
            if (!File.Exists(Path.Combine(root, OciLayout.LayoutFileName)))
            {
                return Array.Empty<ModelArtifact>();
            }

            return ModelStore.Open(root).List();
        }
        catch (Exception ex) when (ex is ModelPackException or IOException or UnauthorizedAccessException)
        {
            // Completion must never fail the prompt; a broken store is reported by the cmdlets themselves.
            return Array.Empty<ModelArtifact>();
        }
    }

    /// <summary>
    /// The file-system location of the session that is completing. Completers run on its pipeline thread,
    /// where only a nested command in the current runspace can ask (its SessionStateProxy is not usable then).
    /// </summary>
    private static string? CurrentLocation()
    {
        if (Runspace.DefaultRunspace is null)
        {
            return null;
        }

        try
        {
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddCommand("Microsoft.PowerShell.Management\\Get-Location").AddParameter("PSProvider", "FileSystem");
            foreach (var result in ps.Invoke())
            {
                if (result?.BaseObject is PathInfo location)
                {
                    return location.ProviderPath;
                }
            }
        }
        catch (Exception ex) when (ex is PSInvalidOperationException or RuntimeException)
        {
            // Not in a session (a host calling the completer itself): the process directory then.
        }

        return null;
    }

    private static string Quote(string text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || "'\"`$;,(){}|&<>#".IndexOf(c) >= 0)
            {
                return "'" + text.Replace("'", "''") + "'";
            }
        }

        return text;
    }
}
