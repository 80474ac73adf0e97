import fs from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface MailMessage {
  /** Stable per outbox row, so a redelivered message carries the same Message-ID. */
  id: string;
  to: string;
  subject: string;
  text: string;
  lang: 'ar' | 'en';
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * E-mail through SMTP in production; in development each message is written as an `.eml` file
 * named by its id under `dir` (rewriting the same file when a message is redelivered).
 */
export function createMailer(options: { smtpUrl?: string; from: string; dir: string; host: string }): Mailer {
  const messageId = (id: string) => `<${id}@${options.host}>`;
  if (options.smtpUrl) {
    const transport = nodemailer.createTransport(options.smtpUrl);
    return {
      async send(m) {
        await transport.sendMail({
          from: options.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          messageId: messageId(m.id),
          headers: { 'Content-Language': m.lang },
        });
      },
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    async send(m) {
      const info = await transport.sendMail({
        from: options.from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        messageId: messageId(m.id),
        headers: { 'Content-Language': m.lang },
      });
      await fs.mkdir(options.dir, { recursive: true });
      const file = path.join(options.dir, `${m.id.replace(/[^a-z0-9-]/gi, '_')}.eml`);
      await fs.writeFile(file, info.message as Buffer);
    },
  };
}
