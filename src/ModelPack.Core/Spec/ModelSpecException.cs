using System;
using System.Collections.Generic;
using System.Linq;
using ModelPack.Core.Errors;

namespace ModelPack.Core.Spec;

/// <summary>Content that does not conform to the ModelPack spec; lists every violation found.</summary>
public sealed class ModelSpecException : ModelPackException
{
    /// <param name="subject">What was validated, for the message ("The manifest of 'x'").</param>
    /// <param name="violations">Every violation found.</param>
    /// <param name="target">The offending value for an ErrorRecord (a reference, a file); the subject when null.</param>
    public ModelSpecException(string subject, IReadOnlyList<SpecViolation> violations, object? target = null)
        : base(ErrorIds.ModelSpecViolation, ErrorKind.InvalidData, FormatMessage(subject, violations), target ?? subject)
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
