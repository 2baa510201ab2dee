using System;
using System.Collections.Generic;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ModelPack.Core.Tests.Support;

/// <summary>
/// A theory whose cases are named by their first argument (a description string) in full, instead of
/// "Method(arg: ...)" with the argument cut at 50 characters.
/// </summary>
[XunitTestCaseDiscoverer("ModelPack.Core.Tests.Support.DescribedTheoryDiscoverer", "ModelPack.Core.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class DescribedTheoryAttribute : TheoryAttribute
{
    public DescribedTheoryAttribute()
    {
    }

    /// <summary>A described theory that needs real tools: skipped with the reason where one is absent, run (and failing) in CI, as <see cref="ToolTheoryAttribute"/>.</summary>
    public DescribedTheoryAttribute(params string[] tools)
    {
        if (TestTools.SkipReason(tools) is { } reason)
        {
            Skip = reason;
        }
    }
}

public sealed class DescribedTheoryDiscoverer : TheoryDiscoverer
{
    public DescribedTheoryDiscoverer(IMessageSink diagnosticMessageSink)
        : base(diagnosticMessageSink)
    {
    }

    protected override IEnumerable<IXunitTestCase> CreateTestCasesForDataRow(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute, object[] dataRow) =>
        new[] { new DescribedTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, dataRow) };
}

public sealed class DescribedTestCase : XunitTestCase
{
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public DescribedTestCase()
    {
    }

    public DescribedTestCase(IMessageSink diagnosticMessageSink, TestMethodDisplay defaultMethodDisplay, TestMethodDisplayOptions defaultMethodDisplayOptions, ITestMethod testMethod, object[] testMethodArguments)
        : base(diagnosticMessageSink, defaultMethodDisplay, defaultMethodDisplayOptions, testMethod, testMethodArguments)
    {
    }

    protected override string GetDisplayName(IAttributeInfo factAttribute, string displayName) =>
        TestMethodArguments is { Length: > 0 } && TestMethodArguments[0] is string description
            ? description
            : base.GetDisplayName(factAttribute, displayName);
}
