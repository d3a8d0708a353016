package graph

import (
	"github.com/threadline/threadline/internal/email"
	"github.com/threadline/threadline/internal/graph/model"
	"github.com/threadline/threadline/internal/service"
	"github.com/threadline/threadline/internal/timeline"
)

// participantsInput converts EmailParticipantInputs.
func participantsInput(in []model.EmailParticipantInput) []email.ParticipantInput {
	out := make([]email.ParticipantInput, len(in))
	for i, p := range in {
		out[i] = email.ParticipantInput{Email: p.Email, Name: p.Name}
	}
	return out
}

func participantInput(in *model.EmailParticipantInput) *email.ParticipantInput {
	if in == nil {
		return nil
	}
	return &email.ParticipantInput{Email: in.Email, Name: in.Name}
}

// sendNewEmailInput converts sendNewEmail's input.
func sendNewEmailInput(in model.SendNewEmailInput) service.SendEmailInput {
	return service.SendEmailInput{CustomerID: in.CustomerID, ThreadID: in.ThreadID, OutgoingEmail: service.OutgoingEmail{
		Subject: &in.Subject, Text: in.TextContent, Markdown: in.MarkdownContent, Cc: participantsInput(in.AdditionalRecipients),
		Bcc: participantsInput(in.HiddenRecipients), AttachmentIDs: in.AttachmentIds, From: participantInput(in.FromAlternateSupportEmail),
		HiddenFromUser: in.IsHiddenFromUser != nil && *in.IsHiddenFromUser}}
}

// replyToEmailInput converts replyToEmail's input.
func replyToEmailInput(in model.ReplyToEmailInput) service.ReplyEmailInput {
	return service.ReplyEmailInput{InReplyToEmailID: in.InReplyToEmailID, OutgoingEmail: service.OutgoingEmail{
		Subject: in.Subject, Text: in.TextContent, Markdown: in.MarkdownContent, Cc: participantsInput(in.AdditionalRecipients),
		Bcc: participantsInput(in.HiddenRecipients), AttachmentIDs: in.AttachmentIds, From: participantInput(in.FromAlternateSupportEmail),
		HiddenFromUser: in.IsHiddenFromUser != nil && *in.IsHiddenFromUser}}
}

// participantModel presents an email participant, with who the address
// belongs to when Threadline knows.
func participantModel(p timeline.EmailParticipant) model.EmailParticipant {
	out := model.EmailParticipant{Email: p.Email, Name: p.Name}
	if p.Actor == nil {
		return out
	}
	switch p.Actor.Kind {
	case timeline.EmailActorCustomer:
		out.EmailActor = model.CustomerEmailActor{CustomerID: p.Actor.ID}
	case timeline.EmailActorDeletedCustomer:
		out.EmailActor = model.DeletedCustomerEmailActor{CustomerID: p.Actor.ID}
	case timeline.EmailActorUser:
		out.EmailActor = model.UserEmailActor{UserID: p.Actor.ID}
	case timeline.EmailActorSupportAddress:
		out.EmailActor = model.SupportEmailAddressEmailActor{SupportEmailAddress: p.Actor.ID}
	}
	return out
}

func participantModels(ps []timeline.EmailParticipant) []model.EmailParticipant {
	out := make([]model.EmailParticipant, len(ps))
	for i, p := range ps {
		out[i] = participantModel(p)
	}
	return out
}

// emailModel presents an email; its text is the whole text.
func emailModel(e email.Email) *model.Email {
	p := e.Payload()
	return &model.Email{AdditionalRecipients: participantModels(p.Cc), Category: model.EmailCategory(e.Category),
		CreatedAt: e.CreatedAt, CreatedBy: actor(e.CreatedBy), From: participantModel(p.From),
		HiddenRecipients: participantModels(p.Bcc), ID: e.ID, InReplyToEmailID: e.InReplyToEmailID,
		MarkdownContent: e.Markdown, Subject: e.Subject, TextContent: e.Text, To: participantModel(p.To),
		UpdatedAt: e.UpdatedAt, UpdatedBy: actor(e.UpdatedBy), CustomerID: e.CustomerID, ThreadID: e.ThreadID,
		AttachmentIDs: e.AttachmentIDs()}
}

// emailEntryModel presents an email entry: textContent is the new text,
// fullTextContent the whole text when it holds more.
func emailEntryModel(p timeline.Email) model.EmailEntry {
	out := model.EmailEntry{AdditionalRecipients: participantModels(p.Cc), Authenticity: model.EmailAuthenticity(p.Authenticity),
		Bounces: []model.EmailBounce{}, Category: model.EmailCategory(p.Category), EmailID: p.EmailID, From: participantModel(p.From),
		HasMoreTextContent: p.HasMoreText(), HiddenRecipients: participantModels(p.Bcc), IsStartOfThread: p.IsStartOfThread,
		MarkdownContent: p.Markdown, ReceivedAt: p.ReceivedAt, SentAt: p.SentAt, Subject: p.Subject, TextContent: p.Text,
		To: participantModel(p.To), AttachmentIDs: p.AttachmentIDs()}
	if p.HasMoreText() {
		out.FullTextContent = p.FullText
	}
	if p.Markdown != nil {
		out.FullMarkdownContent = p.Markdown
	}
	if p.SendStatus != "" {
		s := model.EmailSendStatus(p.SendStatus)
		out.SendStatus = &s
	}
	for _, b := range p.Bounces {
		out.Bounces = append(out.Bounces, model.EmailBounce{BouncedAt: b.BouncedAt, Details: b.Details,
			IsSendRetriable: b.Retriable, Reason: model.EmailBounceReason(b.Reason), Recipient: participantModel(b.Recipient)})
	}
	return out
}
