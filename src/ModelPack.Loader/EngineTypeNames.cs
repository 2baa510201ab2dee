using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Reflection;

namespace ModelPack.Loading;

/// <summary>
/// PowerShell 7 resolves a type name (<c>[ModelPack.ModelArtifact]</c>, <c>-as [type]</c>, <c>-is</c>)
/// only in the default load context, by design (PowerShell/PowerShell#11088), and the engine's types
/// live in <see cref="EngineLoadContext"/>. Each public engine type is therefore added as a type
/// accelerator under its full name, the way about_Classes documents for exporting types from a module,
/// and removed with the module.
/// </summary>
internal static class EngineTypeNames
{
    private static readonly Type? Accelerators =
        typeof(PSObject).Assembly.GetType("System.Management.Automation.TypeAccelerators");

    public static IReadOnlyList<string> Add(Assembly engine)
    {
        var add = Accelerators?.GetMethod("Add", new[] { typeof(string), typeof(Type) });
        var added = new List<string>();
        if (add is null)
        {
            return added;
        }

        foreach (var type in engine.GetExportedTypes())
        {
            if (type.FullName is string name && !type.IsGenericTypeDefinition)
            {
                add.Invoke(null, new object[] { name, type });
                added.Add(name);
            }
        }

        return added;
    }

    public static void Remove(IReadOnlyList<string> names)
    {
        var remove = Accelerators?.GetMethod("Remove", new[] { typeof(string) });
        if (remove is null)
        {
            return;
        }

        foreach (var name in names)
        {
            remove.Invoke(null, new object[] { name });
        }
    }
}
