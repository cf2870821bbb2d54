using Pipeline.Api.Problems;

namespace Pipeline.Api.Chat;

/// <summary>Checks a chat request against the contract's rules and names every broken one.</summary>
public static class ChatRequestValidator
{
    public static Dictionary<string, string[]> Validate(ChatRequestBody body, ChatOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        var message = body.Message?.Trim();
        if (string.IsNullOrEmpty(message))
            errors["message"] = ["The message is required and must not be blank."];
        else if (message.Length > options.MaxMessageLength)
            errors["message"] = [$"The message must be at most {options.MaxMessageLength} characters after trimming; it has {message.Length}."];
        else if (TextRules.HasForbiddenControl(message))
            errors["message"] = ["The message must not contain control characters other than tab and line breaks."];

        if (body.ConversationId == Guid.Empty)
            errors["conversationId"] = ["The conversation id must not be the empty uuid."];
        if (body.RequestId == Guid.Empty)
            errors["requestId"] = ["The request id must not be the empty uuid."];

        return errors;
    }
}
