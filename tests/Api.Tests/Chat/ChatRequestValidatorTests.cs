using Pipeline.Api.Chat;
using Xunit;

namespace Pipeline.Api.Tests.Chat;

public sealed class ChatRequestValidatorTests
{
    private static readonly ChatOptions Options = new();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public void Blank_message_is_rejected(string? message) =>
        Assert.Contains("message", ChatRequestValidator.Validate(new ChatRequestBody(message, null), Options).Keys);

    [Fact]
    public void Message_of_8000_characters_after_trimming_is_accepted_and_8001_rejected()
    {
        Assert.Empty(ChatRequestValidator.Validate(new ChatRequestBody("  " + new string('a', 8_000) + "  ", null), Options));
        Assert.Contains("message", ChatRequestValidator.Validate(new ChatRequestBody(new string('a', 8_001), null), Options).Keys);
    }

    [Fact]
    public void Control_characters_are_rejected_but_line_breaks_are_not()
    {
        Assert.Contains("message", ChatRequestValidator.Validate(new ChatRequestBody("hi\u0000there", null), Options).Keys);
        Assert.Empty(ChatRequestValidator.Validate(new ChatRequestBody("hi\nthere\ttab", null), Options));
    }

    [Fact]
    public void Empty_conversation_id_is_rejected() =>
        Assert.Contains("conversationId", ChatRequestValidator.Validate(new ChatRequestBody("hi", Guid.Empty), Options).Keys);
}
