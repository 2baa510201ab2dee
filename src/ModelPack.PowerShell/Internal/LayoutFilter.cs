using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace ModelPack.Internal;

/// <summary>
/// Get-ModelArtifact -Path's -Reference values as wildcard patterns (case-blind) over each entry's ref name and
/// digest; no values match everything. Remembers which matched, so a plain value that named nothing is reported.
/// </summary>
internal sealed class LayoutFilter
{
    private readonly string[] _values;
    private readonly WildcardPattern[] _patterns;
    private readonly bool[] _matched;

    public LayoutFilter(string[]? values)
    {
        _values = values ?? System.Array.Empty<string>();
        _patterns = _values.Select(v => WildcardPattern.Get(v, WildcardOptions.IgnoreCase)).ToArray();
        _matched = new bool[_patterns.Length];
    }

    public bool Matches(string name, string digest)
    {
        var hit = _patterns.Length == 0;
        for (var i = 0; i < _patterns.Length; i++)
        {
            if (_patterns[i].IsMatch(name) || _patterns[i].IsMatch(digest))
            {
                _matched[i] = true;
                hit = true;
            }
        }

        return hit;
    }

    /// <summary>The values without wildcards that matched no entry (a pattern that matches nothing is no error).</summary>
    public IEnumerable<string> Unmatched() =>
        _values.Where((value, i) => !_matched[i] && !WildcardPattern.ContainsWildcardCharacters(value));
}
