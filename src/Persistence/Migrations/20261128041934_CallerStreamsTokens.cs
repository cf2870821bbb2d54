using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Pipeline.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class CallerStreamsTokens : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Requests in flight at the upgrade were taken when every caller got token pieces: they keep getting them.
            migrationBuilder.AddColumn<bool>(
                name: "stream_tokens",
                table: "chat_routing_state",
                type: "boolean",
                nullable: false,
                defaultValue: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "stream_tokens",
                table: "chat_routing_state");
        }
    }
}
