namespace Clusterd.Tests.Unit;

/// <summary>Log lines carry their syslog priority when stderr is a journal stream, and read plainly otherwise.</summary>
public sealed class LogLineTests
{
    [Theory]
    [InlineData(Log.Priority.Error, "<3>clusterd: x")]
    [InlineData(Log.Priority.Warning, "<4>clusterd: x")]
    [InlineData(Log.Priority.Notice, "<5>clusterd: x")]
    [InlineData(Log.Priority.Info, "<6>clusterd: x")]
    [InlineData(Log.Priority.Debug, "<7>clusterd: x")]
    public void UnderJournaldTheLineStartsWithItsPriority(Log.Priority priority, string expected) =>
        Assert.Equal(expected, Log.Line(priority, "x", toJournal: true));

    [Fact]
    public void OnATerminalThereIsNoPrefix() =>
        Assert.Equal("clusterd: listening", Log.Line(Log.Priority.Info, "listening", toJournal: false));
}
