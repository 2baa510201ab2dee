using System;
using System.Collections.Generic;
using System.Linq;

namespace ModelPack.Core.Registry;

/// <summary>
/// Token scopes of the Docker token protocol: space-separated <c>type:name:action,action</c> entries, e.g.
/// <c>repository:models/llama:pull,push repository:models/base:pull</c>.
/// </summary>
internal static class TokenScope
{
    private static readonly char[] Space = { ' ' };

    /// <summary>The single scopes of a space-separated list (none for null or empty).</summary>
    public static IEnumerable<string> Split(string? scope) =>
        string.IsNullOrEmpty(scope) ? Enumerable.Empty<string>() : scope!.Split(Space, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The scope for pushing to <paramref name="repository"/>, pulling from each mount source too.</summary>
    public static string Push(string repository, IEnumerable<string>? mountFrom = null)
    {
        var parts = new List<string> { "repository:" + repository + ":pull,push" };
        foreach (var source in mountFrom ?? Enumerable.Empty<string>())
        {
            if (!string.Equals(source, repository, StringComparison.Ordinal) && !parts.Contains("repository:" + source + ":pull"))
            {
                parts.Add("repository:" + source + ":pull");
            }
        }

        return string.Join(" ", parts);
    }

    /// <summary>Whether a token asked for <paramref name="held"/> was asked for everything in <paramref name="wanted"/>.</summary>
    public static bool Covers(string held, string wanted)
    {
        var heldActions = Parse(held);
        if (heldActions is null)
        {
            return false;
        }

        var wantedActions = Parse(wanted);
        if (wantedActions is null || wantedActions.Count == 0)
        {
            return false;
        }

        foreach (var resource in wantedActions)
        {
            if (!heldActions.TryGetValue(resource.Key, out var actions) || !resource.Value.IsSubsetOf(actions))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Resource ("type:name") to actions; null when an entry is not of the form type:name:actions.</summary>
    private static Dictionary<string, HashSet<string>>? Parse(string scope)
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var single in Split(scope))
        {
            var last = single.LastIndexOf(':');
            var first = single.IndexOf(':');
            if (first <= 0 || last <= first)
            {
                return null;
            }

            var resource = single.Substring(0, last);
            if (!result.TryGetValue(resource, out var actions))
            {
                actions = new HashSet<string>(StringComparer.Ordinal);
                result[resource] = actions;
            }

            foreach (var action in single.Substring(last + 1).Split(','))
            {
                if (action.Length > 0)
                {
                    actions.Add(action);
                }
            }
        }

        return result;
    }
}
