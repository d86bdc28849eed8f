export { sendEmail, type Email, type MailProblem } from './send';
