using ClusterControl;

namespace Clusterd.Tests;

public class Ipv4AddressTests
{
    [Theory]
    [InlineData("10.0.0.1", 0x0a000001u)]
    [InlineData("0.0.0.0", 0u)]
    [InlineData("255.255.255.255", 0xffffffffu)]
    public void ParsesDottedQuads(string text, uint value)
    {
        Assert.True(Ipv4Address.TryParse(text, out var address));
        Assert.Equal(value, address.Value);
        Assert.Equal(text, address.ToString());
    }

    [Theory]
    [InlineData("10.0.0.300")]
    [InlineData("10.0.0")]
    [InlineData("10.0.0.1.1")]
    [InlineData("10..0.1")]
    [InlineData("0x0a.0.0.1")]
    [InlineData("10.0.0.1 ")]
    [InlineData("1000.0.0.1")]
    [InlineData("")]
    public void RefusesAnythingElse(string text) => Assert.False(Ipv4Address.TryParse(text, out _));
}
