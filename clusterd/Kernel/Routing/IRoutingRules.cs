namespace Clusterd.Kernel.Routing;

/// <summary>The kernel's IPv4 policy routing rules, as far as clusterd reads and writes them.</summary>
public interface IRoutingRules
{
    /// <summary>Every rule, in the order the kernel evaluates them.</summary>
    List<RoutingRule> Rules();

    /// <summary>Adds a rule behind the rules of its preference; an identical rule already there is fine.</summary>
    void AddRule(RoutingRule rule);

    /// <summary>Deletes the first rule matching <paramref name="rule"/>; none is fine.</summary>
    void DeleteRule(RoutingRule rule);
}
