using Acode.Infrastructure.Sync;

namespace Acode.Infrastructure.Tests.Sync;

/// <summary>The pure conflict rule on its own (docs/architecture.md, "Conflicts"): no database, every case by its stamps.</summary>
public sealed class ConflictRuleTests
{
    private const string A = "ws_a";
    private const string B = "ws_b";

    [Fact]
    public void A_change_to_an_entity_PostgreSQL_does_not_hold_is_applied()
        => Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(0, 1, 10, A, false), null));

    [Fact]
    public void A_change_based_on_the_stored_version_from_the_same_workspace_is_applied()
        => Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(2, 3, 30, A, false), new StoredState(2, 20, A, false)));

    [Fact]
    public void The_same_version_number_from_another_workspace_is_not_a_base_unless_the_writer_held_it()
    {
        var stored = new StoredState(2, 50, A, false);
        Assert.Equal(ApplyOutcome.ConflictLost, ConflictRule.Judge(new IncomingChange(2, 3, 30, B, false), stored));
        Assert.Equal(ApplyOutcome.ConflictWon, ConflictRule.Judge(new IncomingChange(2, 3, 60, B, false), stored));
        Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(2, 3, 60, B, false, WriterHeldStored: true), stored));
    }

    [Fact]
    [Trait("Issue", "trialAF.1")]
    public void A_prune_deletion_removes_a_version_changed_before_its_cutoff_and_not_one_changed_since_and_is_no_conflict()
    {
        // B's prune (cutoff 50) removed its copy at version 5; A changed the session at 60 before B's deletion arrived.
        var changedSince = new StoredState(6, 60, A, false);
        Assert.Equal(ApplyOutcome.Stale, ConflictRule.Judge(new IncomingChange(5, 6, 70, B, true, BaseHlc: 40, PrunedBefore: 50), changedSince));
        Assert.Equal(ApplyOutcome.Stale, ConflictRule.Judge(new IncomingChange(5, 6, 70, B, true, BaseHlc: 40, PrunedBefore: 60), changedSince));

        // What the prune covers goes, without a conflict, whatever copy the deletion was made from (trial AG); a deletion
        // that is no prune's still wins over the change, audited.
        Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(5, 6, 70, B, true, BaseHlc: 40, PrunedBefore: 61), changedSince));
        Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(7, 8, 50, B, true, BaseHlc: 45, PrunedBefore: 61), changedSince));
        Assert.Equal(ApplyOutcome.ConflictWon, ConflictRule.Judge(new IncomingChange(5, 6, 70, B, true, BaseHlc: 40), changedSince));
        Assert.Equal(ApplyOutcome.Stale, ConflictRule.Judge(new IncomingChange(5, 6, 70, B, true, PrunedBefore: 50), new StoredState(6, 80, A, true)));

        // A version in a state the prune does not take (--state) stays too, changed before the cutoff or not (trial AG 1).
        Assert.Equal(ApplyOutcome.Stale, ConflictRule.Judge(new IncomingChange(5, 6, 70, B, true, BaseHlc: 40, PrunedBefore: 61, OutsidePrunedStates: true), changedSince));
    }

    [Fact]
    public void A_change_based_on_the_stored_version_number_and_stamp_continues_it_from_the_same_workspace_or_one_that_held_it()
    {
        var stored = new StoredState(6, 60, A, false);
        Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(6, 7, 70, A, false, BaseHlc: 60), stored));
        Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(6, 7, 70, B, false, WriterHeldStored: true, BaseHlc: 60), stored));
        Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(6, 7, 70, A, true, BaseHlc: 60), stored));
    }

    // A copy of a workspace folder shares the workspace id: its own version 6 (stamp 55) is not the stored version 6 (stamp 60),
    // although the same workspace id delivered both, so the writer "held" the stored one (WriterHeldStored).
    [Fact]
    public void A_change_based_on_the_same_version_number_of_another_lineage_is_a_conflict_whatever_the_workspace_id()
    {
        var stored = new StoredState(6, 60, A, false);
        Assert.Equal(ApplyOutcome.ConflictWon, ConflictRule.Judge(new IncomingChange(6, 7, 70, A, false, BaseHlc: 55), stored));
        Assert.Equal(ApplyOutcome.ConflictWon, ConflictRule.Judge(new IncomingChange(6, 7, 70, A, false, WriterHeldStored: true, BaseHlc: 55), stored));
        Assert.Equal(ApplyOutcome.ConflictLost, ConflictRule.Judge(new IncomingChange(6, 7, 58, A, false, WriterHeldStored: true, BaseHlc: 55), stored));
        Assert.Equal(ApplyOutcome.ConflictWon, ConflictRule.Judge(new IncomingChange(6, 7, 70, A, true, BaseHlc: 55), stored));
    }

    [Fact]
    public void A_change_without_a_base_stamp_written_before_schema_1_8_0_is_judged_by_version_and_writer_as_before()
    {
        var stored = new StoredState(6, 60, A, false);
        Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(6, 7, 70, A, false), stored));
        Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(6, 7, 70, B, false, WriterHeldStored: true), stored));
        Assert.Equal(ApplyOutcome.ConflictWon, ConflictRule.Judge(new IncomingChange(6, 7, 70, B, false), stored));
    }

    [Fact]
    public void A_chain_holding_the_stored_change_continues_it_whatever_its_base_stamp()
        => Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(5, 7, 70, A, false, ContainsStored: true, BaseHlc: 50), new StoredState(6, 60, B, false)));

    [Fact]
    public void A_continuation_that_somehow_sorts_before_the_stored_version_is_audited_not_dropped()
        => Assert.Equal(ApplyOutcome.ConflictLost, ConflictRule.Judge(new IncomingChange(2, 3, 10, A, false), new StoredState(2, 20, A, false)));

    [Fact]
    public void The_stored_change_delivered_again_by_another_workspace_is_a_duplicate_whichever_origin_sorts_greater()
    {
        Assert.Equal(ApplyOutcome.Duplicate, ConflictRule.Judge(new IncomingChange(1, 2, 20, A, false, ContainsStored: true), new StoredState(2, 20, B, false)));
        Assert.Equal(ApplyOutcome.Duplicate, ConflictRule.Judge(new IncomingChange(1, 2, 20, B, false, ContainsStored: true), new StoredState(2, 20, A, false)));

        // Not the same change: same version and stamp but other content (ContainsStored false) is judged by the order.
        Assert.Equal(ApplyOutcome.ConflictWon, ConflictRule.Judge(new IncomingChange(1, 2, 20, B, false), new StoredState(2, 20, A, false)));
    }

    [Fact]
    public void An_older_change_another_workspace_already_delivered_is_a_replay()
    {
        var stored = new StoredState(3, 30, A, false);
        Assert.True(ConflictRule.IsReplay(new IncomingChange(1, 2, 20, B, false, DeliveredByOthers: true), stored));
        Assert.False(ConflictRule.IsReplay(new IncomingChange(1, 2, 20, B, false), stored));
        Assert.False(ConflictRule.IsReplay(new IncomingChange(1, 2, 20, B, false, DeliveredByOthers: true), null));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(90)]
    public void A_deletion_beats_a_concurrent_edit_whatever_the_clocks_and_in_both_orders(long editHlc)
    {
        var deletion = new IncomingChange(1, 2, 50, A, true);
        var edit = new IncomingChange(1, 2, editHlc, B, false);
        Assert.Equal(ApplyOutcome.ConflictWon, ConflictRule.Judge(deletion, new StoredState(2, editHlc, B, false)));
        Assert.Equal(ApplyOutcome.ConflictLost, ConflictRule.Judge(edit, new StoredState(2, 50, A, true)));
    }

    [Fact]
    public void A_deletion_that_continues_the_stored_version_is_applied_and_two_deletions_go_to_the_later_without_a_conflict()
    {
        Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(2, 3, 30, B, true, WriterHeldStored: true), new StoredState(2, 20, A, false)));
        Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(2, 3, 40, B, true), new StoredState(3, 30, A, true)));
        Assert.Equal(ApplyOutcome.Stale, ConflictRule.Judge(new IncomingChange(2, 3, 20, B, true), new StoredState(3, 30, A, true)));
    }

    [Fact]
    public void A_prune_covers_versions_stamped_before_its_cutoff_only()
    {
        Assert.True(ConflictRule.CoveredByPrune(99, 100));
        Assert.False(ConflictRule.CoveredByPrune(100, 100));
        Assert.False(ConflictRule.CoveredByPrune(99, 0));
    }

    [Fact]
    public void A_child_change_whose_stored_row_belongs_to_another_session_always_loses_whatever_the_stamps()
    {
        var stored = new StoredState(1, 20, A, false, "sess_original");

        // Later, greater origin, the same stamps, based on the stored version, held by the writer: never applied.
        Assert.Equal(ApplyOutcome.ConflictLost, ConflictRule.Judge(new IncomingChange(0, 1, 20, B, false, SessionId: "sess_fork"), stored));
        Assert.Equal(ApplyOutcome.ConflictLost, ConflictRule.Judge(new IncomingChange(1, 2, 90, B, false, WriterHeldStored: true, SessionId: "sess_fork"), stored));
        Assert.Equal(ApplyOutcome.ConflictLost, ConflictRule.Judge(new IncomingChange(1, 2, 90, A, false, SessionId: "sess_fork"), stored));
        Assert.True(ConflictRule.MovesSession(new IncomingChange(0, 1, 20, B, false, SessionId: "sess_fork"), stored));

        // The same session: the ordinary rule.
        Assert.Equal(ApplyOutcome.ConflictWon, ConflictRule.Judge(new IncomingChange(0, 1, 20, B, false, SessionId: "sess_original"), stored));
        Assert.Equal(ApplyOutcome.Applied, ConflictRule.Judge(new IncomingChange(1, 2, 90, A, false, SessionId: "sess_original"), stored));
    }

    [Fact]
    public void An_older_copy_in_another_session_is_not_a_replay_but_a_lost_change_to_audit()
    {
        var stored = new StoredState(3, 30, A, false, "sess_original");
        var copy = new IncomingChange(1, 2, 20, B, false, DeliveredByOthers: true, SessionId: "sess_fork");

        Assert.False(ConflictRule.IsReplay(copy, stored));
        Assert.Equal(ApplyOutcome.ConflictLost, ConflictRule.Judge(copy, stored));
        Assert.True(ConflictRule.IsReplay(copy with { SessionId = "sess_original" }, stored));
    }

    [Fact]
    public void Under_a_deleted_session_a_child_change_is_never_applied_and_is_audited_unless_the_deleter_held_it()
    {
        Assert.Equal(ApplyOutcome.Stale, ConflictRule.JudgeUnderDeletedSession(deleterHeldIt: true));
        Assert.Equal(ApplyOutcome.ConflictLost, ConflictRule.JudgeUnderDeletedSession(deleterHeldIt: false));
        Assert.True(ConflictRule.RemovalIsConflict(deleterHeldIt: false));
        Assert.False(ConflictRule.RemovalIsConflict(deleterHeldIt: true));
    }

    [Fact]
    public void The_order_of_versions_is_total_deletion_then_hlc_then_ordinal_origin()
    {
        Assert.True(ConflictRule.Wins(true, 1, A, false, 99, B));
        Assert.True(ConflictRule.Wins(false, 2, A, false, 1, B));
        Assert.True(ConflictRule.Wins(false, 1, B, false, 1, A));
        Assert.False(ConflictRule.Wins(false, 1, "ws_B", false, 1, "ws_a"));
    }
}
