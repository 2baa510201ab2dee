using System;
using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Spec;

/// <summary>Content that does not conform to the ModelPack spec; lists every violation found.</summary>
public sealed class ModelSpecException : ModelPackException
{
    public ModelSpecException(string subject, IReadOnlyList<SpecViolation> violations)
        : base(ErrorIds.ModelSpecViolation, ErrorKind.InvalidData, FormatMessage(subject, violations), subject)
    {
        Subject = subject;
        Violations = violations;
    }

    public ModelSpecException()
        : this("content", Array.Empty<SpecViolation>())
    {
    }

    public ModelSpecException(string message)
        : base(ErrorIds.ModelSpecViolation, ErrorKind.InvalidData, message)
    {
        Subject = message;
        Violations = Array.Empty<SpecViolation>();
    }

    public ModelSpecException(string message, Exception innerException)
        : base(ErrorIds.ModelSpecViolation, ErrorKind.InvalidData, message, null, innerException)
    {
        Subject = message;
        Violations = Array.Empty<SpecViolation>();
    }

    /// <summary>What was being validated (a file name, a reference, "manifest").</summary>
    public string Subject { get; }

    public IReadOnlyList<SpecViolation> Violations { get; }

    private static string FormatMessage(string subject, IReadOnlyList<SpecViolation> violations)
    {
        if (violations.Count == 0)
        {
            return $"{subject} does not conform to the ModelPack spec.";
        }

        var lines = violations.Select(v => "  " + v);
        return $"{subject} does not conform to the ModelPack spec ({violations.Count} violation{(violations.Count == 1 ? string.Empty : "s")}):{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }
}
