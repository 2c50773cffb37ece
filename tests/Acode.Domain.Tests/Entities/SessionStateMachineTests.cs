using Acode.Domain.Entities;

namespace Acode.Domain.Tests.Entities;

public class SessionStateMachineTests
{
    /// <summary>The transitions the product allows, written out independently of the implementation's table.</summary>
    public static TheoryData<SessionState, SessionState> LegalTransitions => new()
    {
        { SessionState.Created, SessionState.Planning },
        { SessionState.Created, SessionState.Executing },
        { SessionState.Created, SessionState.Cancelled },
        { SessionState.Created, SessionState.Failed },
        { SessionState.Planning, SessionState.AwaitingApproval },
        { SessionState.Planning, SessionState.Executing },
        { SessionState.Planning, SessionState.Paused },
        { SessionState.Planning, SessionState.Cancelled },
        { SessionState.Planning, SessionState.Failed },
        { SessionState.AwaitingApproval, SessionState.Planning },
        { SessionState.AwaitingApproval, SessionState.Executing },
        { SessionState.AwaitingApproval, SessionState.Paused },
        { SessionState.AwaitingApproval, SessionState.Cancelled },
        { SessionState.AwaitingApproval, SessionState.Failed },
        { SessionState.Executing, SessionState.Planning },
        { SessionState.Executing, SessionState.AwaitingApproval },
        { SessionState.Executing, SessionState.Paused },
        { SessionState.Executing, SessionState.Completed },
        { SessionState.Executing, SessionState.Failed },
        { SessionState.Executing, SessionState.Cancelled },
        { SessionState.Paused, SessionState.Planning },
        { SessionState.Paused, SessionState.Executing },
        { SessionState.Paused, SessionState.Cancelled },
        { SessionState.Paused, SessionState.Failed },
    };

    public static TheoryData<SessionState> TerminalStates => new() { SessionState.Completed, SessionState.Failed, SessionState.Cancelled };

    public static TheoryData<SessionState, SessionState> AllPairs
    {
        get
        {
            var data = new TheoryData<SessionState, SessionState>();
            foreach (SessionState from in Enum.GetValues<SessionState>())
            {
                foreach (SessionState to in Enum.GetValues<SessionState>())
                {
                    data.Add(from, to);
                }
            }

            return data;
        }
    }

    /// <summary>Every pair that is neither legal nor starts from a terminal state.</summary>
    public static TheoryData<SessionState, SessionState> IllegalTransitionsFromLiveStates
    {
        get
        {
            var data = new TheoryData<SessionState, SessionState>();
            foreach (SessionState from in Enum.GetValues<SessionState>())
            {
                foreach (SessionState to in Enum.GetValues<SessionState>())
                {
                    if (!IsTerminalState(from) && !IsLegal(from, to))
                    {
                        data.Add(from, to);
                    }
                }
            }

            return data;
        }
    }

    /// <summary>Every pair that starts from a terminal state.</summary>
    public static TheoryData<SessionState, SessionState> TransitionsFromTerminalStates
    {
        get
        {
            var data = new TheoryData<SessionState, SessionState>();
            foreach (SessionState from in TerminalStates)
            {
                foreach (SessionState to in Enum.GetValues<SessionState>())
                {
                    data.Add(from, to);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void CanTransition_allows_exactly_the_listed_transitions(SessionState from, SessionState to)
    {
        Assert.Equal(IsLegal(from, to), SessionStateMachine.CanTransition(from, to));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void EnsureCanTransition_throws_exactly_for_transitions_that_are_not_listed(SessionState from, SessionState to)
    {
        SessionId id = SessionId.New();

        if (IsLegal(from, to))
        {
            SessionStateMachine.EnsureCanTransition(id, from, to);
        }
        else
        {
            var ex = Assert.Throws<InvalidStateTransitionException>(() => SessionStateMachine.EnsureCanTransition(id, from, to));
            Assert.Equal(id, ex.SessionId);
            Assert.Equal(from, ex.From);
            Assert.Equal(to, ex.To);
        }
    }

    [Theory]
    [InlineData(SessionState.Created, false)]
    [InlineData(SessionState.Planning, false)]
    [InlineData(SessionState.AwaitingApproval, false)]
    [InlineData(SessionState.Executing, false)]
    [InlineData(SessionState.Paused, false)]
    [InlineData(SessionState.Completed, true)]
    [InlineData(SessionState.Failed, true)]
    [InlineData(SessionState.Cancelled, true)]
    public void IsTerminal_is_true_only_for_Completed_Failed_and_Cancelled(SessionState state, bool terminal)
    {
        Assert.Equal(terminal, SessionStateMachine.IsTerminal(state));
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void NextStates_lists_exactly_the_legal_targets(SessionState from, SessionState to)
    {
        Assert.Equal(IsLegal(from, to), SessionStateMachine.NextStates(from).Contains(to));
    }

    [Theory]
    [MemberData(nameof(TerminalStates))]
    public void NextStates_is_empty_for_a_terminal_state(SessionState state)
    {
        Assert.Empty(SessionStateMachine.NextStates(state));
    }

    [Fact]
    public void EnsureCanTransition_message_lists_the_states_that_are_allowed()
    {
        SessionId id = SessionId.New();

        var ex = Assert.Throws<InvalidStateTransitionException>(
            () => SessionStateMachine.EnsureCanTransition(id, SessionState.Created, SessionState.Completed));

        Assert.Equal(
            $"Session {id} cannot move from Created to Completed. From Created it can move to: Planning, Executing, Cancelled, Failed.",
            ex.Message);
    }

    [Fact]
    public void EnsureCanTransition_message_says_a_terminal_state_needs_a_new_session()
    {
        SessionId id = SessionId.New();

        var ex = Assert.Throws<InvalidStateTransitionException>(
            () => SessionStateMachine.EnsureCanTransition(id, SessionState.Completed, SessionState.Executing));

        Assert.Equal(
            $"Session {id} is Completed, a terminal state: it cannot move to Executing. Start a new session instead.",
            ex.Message);
    }

    [Fact]
    public void InvalidStateTransitionException_is_an_InvalidOperationException()
    {
        Assert.Throws<InvalidStateTransitionException>(
            () => SessionStateMachine.EnsureCanTransition(SessionId.New(), SessionState.Failed, SessionState.Created));
        Assert.IsAssignableFrom<InvalidOperationException>(
            new InvalidStateTransitionException(SessionId.New(), SessionState.Failed, SessionState.Created, []));
    }

    internal static bool IsLegal(SessionState from, SessionState to)
        => LegalTransitions.Any(row => (SessionState)row[0] == from && (SessionState)row[1] == to);

    internal static bool IsTerminalState(SessionState state)
        => state is SessionState.Completed or SessionState.Failed or SessionState.Cancelled;

    [Fact]
    public void A_state_that_is_not_defined_is_an_argument_out_of_range_not_a_missing_key()
    {
        // Trial AL 8: CanTransition((SessionState)99, …) threw KeyNotFoundException.
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionStateMachine.CanTransition((SessionState)99, SessionState.Executing));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionStateMachine.IsTerminal((SessionState)99));
        Assert.Throws<ArgumentOutOfRangeException>(() => SessionStateMachine.NextStates((SessionState)99));
        Assert.False(SessionStateMachine.CanTransition(SessionState.Created, (SessionState)99));
    }
}
