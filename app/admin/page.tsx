import { redirect } from 'next/navigation';
import { requirePage } from '@/lib/auth';

export default async function AdminPage() {
  await requirePage('admin');
  redirect('/admin/users');
}
