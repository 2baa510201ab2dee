namespace ModelPack.Core.Layout;

/// <summary>
/// The org.opencontainers.image.ref.name grammar (image-spec annotations.md):
/// ref := component ("/" component)*; component := alphanum (separator alphanum)*;
/// alphanum := [A-Za-z0-9]+; separator := [-._:@+] | "--".
/// </summary>
internal static class RefNameGrammar
{
    /// <summary>Null when valid, else why not.</summary>
    public static string? Check(string refName)
    {
        if (refName.Length == 0)
        {
            return "it is empty";
        }

        foreach (var component in refName.Split('/'))
        {
            if (component.Length == 0)
            {
                return "it has an empty component (a leading, trailing or doubled '/')";
            }

            var i = 0;
            while (true)
            {
                var start = i;
                while (i < component.Length && IsAlphanumeric(component[i]))
                {
                    i++;
                }

                if (i == start)
                {
                    return $"component '{component}' must start and end with a letter or digit, with single separators (-._:@+ or --) between";
                }

                if (i == component.Length)
                {
                    break;
                }

                var c = component[i];
                if (c == '-' && i + 1 < component.Length && component[i + 1] == '-')
                {
                    i += 2;
                }
                else if (c is '-' or '.' or '_' or ':' or '@' or '+')
                {
                    i++;
                }
                else
                {
                    return $"'{c}' is not allowed; use letters, digits and the separators -._:@+";
                }
            }
        }

        return null;
    }

    private static bool IsAlphanumeric(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
