//! Interface strings in Persian and English. Keys are looked up from templates with `p.t("key")`;
//! a unit test checks that every key a template uses exists here.

use crate::http::ctx::Lang;

/// (key, Persian, English)
const STRINGS: &[(&str, &str, &str)] = &[
    ("app_name", "محله", "Mahalle"),
    ("app_tagline", "سامانه مدیریت محله‌محور شهر", "Neighborhood-centred city governance"),
    ("skip_to_content", "پرش به محتوا", "Skip to content"),
    ("home", "پیشخوان", "Dashboard"),
    ("districts", "مناطق", "Districts"),
    ("district", "منطقه", "District"),
    ("neighborhoods", "محله‌ها", "Neighborhoods"),
    ("neighborhood", "محله", "Neighborhood"),
    ("organisations", "دستگاه‌ها و نهادها", "Organisations"),
    ("organisation", "دستگاه", "Organisation"),
    ("people", "افراد", "People"),
    ("person", "فرد", "Person"),
    ("admin", "مدیریت", "Administration"),
    ("admin_users", "کاربران و گزارش تغییرات", "Users and audit log"),
    ("nav_follow_up", "پیگیری مصوبات", "Follow-up"),
    ("edit_meeting_details", "اصلاح عنوان، محل یا زمان جلسه", "Correct the title, place or time"),
    ("users", "کاربران", "Users"),
    ("account", "حساب من", "My account"),
    ("login", "ورود", "Sign in"),
    ("logout", "خروج", "Sign out"),
    ("username", "نام کاربری", "Username"),
    ("password", "گذرواژه", "Password"),
    ("display_name", "نام نمایشی", "Display name"),
    ("login_failed", "نام کاربری یا گذرواژه نادرست است.", "Wrong username or password."),
    ("login_intro", "برای دسترسی به بخش‌های کاری وارد شوید.", "Sign in to reach the working areas."),
    ("switch_lang", "English", "فارسی"),
    ("switch_cal_to_greg", "تاریخ میلادی", "Gregorian dates"),
    ("switch_cal_to_jalali", "تاریخ شمسی", "Jalali dates"),
    ("search", "جستجو", "Search"),
    ("search_placeholder", "نام، کد یا بخشی از آن…", "Name, code or part of it…"),
    ("clear", "پاک کردن", "Clear"),
    ("code", "کد", "Code"),
    ("name", "نام", "Name"),
    ("name_fa", "نام فارسی", "Persian name"),
    ("name_en", "نام لاتین", "Latin name"),
    ("number", "شماره", "Number"),
    ("population", "جمعیت", "Population"),
    ("area_km2", "مساحت (کیلومتر مربع)", "Area (km²)"),
    ("kind", "نوع", "Kind"),
    ("all_kinds", "همه انواع", "All kinds"),
    ("parent", "زیرمجموعه‌ی", "Part of"),
    ("phone", "تلفن", "Phone"),
    ("email", "ایمیل", "E-mail"),
    ("address", "نشانی", "Address"),
    ("website", "وبگاه", "Website"),
    ("total", "مجموع", "Total"),
    ("results", "نتیجه", "results"),
    ("page", "صفحه", "Page"),
    ("of", "از", "of"),
    ("previous", "قبلی", "Previous"),
    ("next", "بعدی", "Next"),
    ("nothing_found", "موردی پیدا نشد.", "Nothing found."),
    ("nothing_found_hint", "عبارت جستجو را کوتاه‌تر کنید یا فیلترها را بردارید.", "Try a shorter search or remove filters."),
    ("council", "شورایاری", "Neighborhood council"),
    ("current_term", "دوره فعلی", "Current term"),
    ("term", "دوره", "Term"),
    ("terms", "دوره‌ها", "Terms"),
    ("past_terms", "دوره‌های پیشین", "Past terms"),
    ("role", "سمت", "Role"),
    ("roles", "نقش‌ها", "Roles"),
    ("from", "از", "From"),
    ("until", "تا", "Until"),
    ("thanked", "تقدیر شده", "Thanked"),
    ("not_thanked", "در انتظار تقدیر", "Awaiting thanks"),
    ("pillars", "ارکان محله", "Neighborhood pillars"),
    ("no_council", "برای این محله شورایاری ثبت نشده است.", "No council is recorded for this neighborhood."),
    ("no_members", "عضوی ثبت نشده است.", "No members recorded."),
    ("no_pillars", "رکنی ثبت نشده است.", "No pillars recorded."),
    ("members", "اعضا", "Members"),
    ("sub_organisations", "زیرمجموعه‌ها", "Units"),
    ("memberships", "عضویت‌ها", "Memberships"),
    ("contacts_hidden", "اطلاعات تماس تنها برای کاربران واردشده نمایش داده می‌شود.", "Contact details are shown to signed-in users only."),
    ("dashboard_intro", "نمای کلی شهر: مناطق، محله‌ها، دستگاه‌ها و شوراها.", "The city at a glance: districts, neighborhoods, organisations and councils."),
    ("council_members_now", "اعضای فعلی شورایاری‌ها", "Current council members"),
    ("agencies", "دستگاه‌های اجرایی", "Government agencies"),
    ("institutions", "نهادها", "Institutions"),
    ("deputies", "معاونت‌ها", "Deputy mayors' offices"),
    ("all_neighborhoods", "همه محله‌ها", "All neighborhoods"),
    ("all_districts", "همه مناطق", "All districts"),
    ("district_mayor_office", "شهرداری منطقه", "District municipality"),
    ("view", "مشاهده", "View"),
    ("api_tokens", "توکن‌های API", "API tokens"),
    ("api_tokens_intro", "توکن برای برنامه‌هایی است که از طریق API به سامانه وصل می‌شوند. توکن تنها یک بار نمایش داده می‌شود.", "Tokens let programs use the API on your behalf. A token is shown only once."),
    ("token_name", "نام توکن", "Token name"),
    ("create_token", "ساخت توکن", "Create token"),
    ("new_token_once", "این توکن را اکنون نگه دارید؛ دوباره نمایش داده نمی‌شود:", "Copy this token now; it will not be shown again:"),
    ("revoke", "ابطال", "Revoke"),
    ("revoked", "باطل‌شده", "Revoked"),
    ("created", "ایجاد", "Created"),
    ("last_used", "آخرین استفاده", "Last used"),
    ("never", "هرگز", "never"),
    ("confirm_revoke", "این توکن باطل شود؟", "Revoke this token?"),
    ("create_user", "ساخت کاربر", "Create user"),
    ("role_scope", "حوزه نقش", "Role scope"),
    ("scope_id", "شناسه حوزه (منطقه/دستگاه/محله)", "Scope id (district/organisation/neighborhood)"),
    ("active", "فعال", "Active"),
    ("yes", "بله", "yes"),
    ("no", "خیر", "no"),
    ("saved", "ذخیره شد.", "Saved."),
    ("fix_errors", "لطفاً موارد زیر را اصلاح کنید:", "Please correct the following:"),
    ("error", "خطا", "Error"),
    ("back_home", "بازگشت به پیشخوان", "Back to the dashboard"),
    ("audit_log", "گزارش تغییرات", "Audit log"),
    ("api_docs", "مستندات API", "API documentation"),
    ("sort_by", "مرتب‌سازی", "Sort by"),
    ("boundary", "محدوده", "Boundary"),
    ("gender", "جنسیت", "Gender"),
    ("who", "چه کسی", "Who"),
    ("when", "کی", "When"),
    ("action", "اقدام", "Action"),
    ("meetings", "جلسات", "Meetings"),
    ("meeting", "جلسه", "Meeting"),
    ("new_meeting", "جلسه جدید", "New meeting"),
    ("resolutions", "مصوبات", "Resolutions"),
    ("resolution", "مصوبه", "Resolution"),
    ("inbox", "کارتابل", "Inbox"),
    ("overdue_list", "مصوبات معوق", "Overdue resolutions"),
    ("accountability", "پاسخگویی دستگاه‌ها", "Accountability"),
    ("status", "وضعیت", "Status"),
    ("all_statuses", "همه وضعیت‌ها", "All statuses"),
    ("domain", "حوزه", "Domain"),
    ("all_domains", "همه حوزه‌ها", "All domains"),
    ("priority", "اولویت", "Priority"),
    ("deadline", "مهلت", "Deadline"),
    ("deadline_from", "مهلت از", "Deadline from"),
    ("deadline_to", "مهلت تا", "Deadline to"),
    ("lead_org", "دستگاه مسئول", "Lead organisation"),
    ("all_leads", "همه دستگاه‌ها", "All organisations"),
    ("partners", "دستگاه‌های همکار", "Partners"),
    ("progress", "پیشرفت", "Progress"),
    ("overdue", "معوق", "Overdue"),
    ("overdue_only", "فقط معوق‌ها", "Overdue only"),
    ("days_overdue", "روز تأخیر", "days overdue"),
    ("due_soon", "سررسید نزدیک", "Due soon"),
    ("due_in_7", "سررسید تا ۷ روز", "Due within 7 days"),
    ("timeline", "سیر رویدادها", "Timeline"),
    ("reports", "گزارش‌های پیشرفت", "Progress reports"),
    ("report_progress", "ثبت گزارش پیشرفت", "Report progress"),
    ("percent", "درصد پیشرفت", "Percent done"),
    ("report_text", "شرح اقدامات", "What was done"),
    ("report_date", "تاریخ گزارش", "Report date"),
    ("evidence", "مستند یا شرح انجام", "Completion evidence"),
    ("reason", "دلیل", "Reason"),
    ("start_work", "شروع اجرا", "Start work"),
    ("mark_done", "ثبت انجام", "Mark done"),
    ("cancel", "لغو مصوبه", "Cancel"),
    ("reopen", "بازگشایی", "Reopen"),
    ("request_extension", "درخواست تمدید مهلت", "Request a later deadline"),
    ("new_deadline", "مهلت پیشنهادی", "Requested deadline"),
    ("approve", "تأیید", "Approve"),
    ("refuse", "رد", "Refuse"),
    ("pending_extension", "درخواست تمدید در انتظار تصمیم", "Deadline extension awaiting decision"),
    ("extensions", "تمدیدهای مهلت", "Deadline extensions"),
    ("decision_note", "توضیح تصمیم", "Decision note"),
    ("export_csv", "خروجی CSV", "Export CSV"),
    ("export_xlsx", "خروجی اکسل", "Export Excel"),
    ("filter", "اعمال فیلتر", "Filter"),
    ("agenda", "دستور جلسه", "Agenda"),
    ("agenda_hint", "هر بند در یک سطر", "One item per line"),
    ("attendees", "حاضران", "Attending"),
    ("chair", "رئیس جلسه", "Chair"),
    ("invited", "دعوت‌شدگان", "Invited"),
    ("present", "حاضران", "Present"),
    ("invited_people", "افراد دعوت‌شده", "Invited people"),
    ("invited_orgs", "دستگاه‌های دعوت‌شده", "Invited organisations"),
    ("no_invitees", "کسی دعوت نشده است.", "No one is invited."),
    ("no_one_present", "حضور کسی ثبت نشده است.", "No one is recorded present."),
    ("edit_attendance", "رئیس جلسه، دعوت‌شدگان و حاضران", "Chair, invitees and attendance"),
    ("mark_present", "حاضر بودند", "Were present"),
    ("invite_more_people", "دعوت از افراد دیگر", "Invite more people"),
    ("invite_more_orgs", "دعوت از دستگاه‌های دیگر", "Invite more organisations"),
    ("person_ref_hint", "نام کامل یا شماره فرد، مانند ‎#۱۲", "Full name or number, e.g. #12"),
    ("people_ref_hint", "هر نفر در یک سطر: نام کامل یا شماره", "One a line: full name or number"),
    ("minutes", "صورت‌جلسه", "Minutes"),
    ("place", "محل", "Place"),
    ("date", "تاریخ", "Date"),
    ("date_hint", "مثال: ۱۴۰۴/۰۸/۳۰", "e.g. 1404/08/30"),
    ("time", "ساعت", "Time"),
    ("held_by", "برگزارکننده", "Held by"),
    ("session", "جلسه شماره", "Session"),
    ("item_number", "شماره بند", "Item"),
    ("item_auto", "خالی = شماره بعدی", "empty = next number"),
    ("title", "عنوان", "Title"),
    ("text", "متن", "Text"),
    ("add_resolution", "ثبت مصوبه", "Add a resolution"),
    ("save", "ذخیره", "Save"),
    ("edit", "ویرایش", "Edit"),
    ("assigned", "ارجاع‌شده", "Assigned"),
    ("open", "باز", "Open"),
    ("done_on_time", "انجام به‌موقع", "Done on time"),
    ("done_late", "انجام با تأخیر", "Done late"),
    ("cancelled", "لغوشده", "Cancelled"),
    ("median_days", "میانه روز تا انجام", "Median days to done"),
    ("on_time_rate", "نرخ به‌موقع", "On-time rate"),
    ("leading", "مسئول", "Leading"),
    ("partnering", "همکار", "Partnering"),
    ("no_resolutions", "مصوبه‌ای نیست.", "No resolutions."),
    ("scope", "گستره", "Scope"),
    ("city_wide", "کل شهر", "City-wide"),
    ("none_selected", "—", "—"),
    ("secretariat_actions", "اقدامات دبیرخانه", "Secretariat"),
    ("actions", "اقدامات", "Actions"),
    ("previous_text", "متن پیشین", "Previous text"),
    ("requested_by", "درخواست‌کننده", "Requested by"),
    ("import", "ورود از اکسل", "Import from Excel"),
    ("as_organisation", "کارتابل دستگاه", "Inbox of"),
    ("import_rows_read", "ردیف خوانده شد", "rows read"),
    ("import_rows_ok", "ردیف بی‌اشکال", "without problems"),
    ("import_ready", "همه ردیف‌ها درست است. با تأیید، همه با هم ثبت می‌شوند.", "Every row is valid. Confirm to record them all at once."),
    ("import_commit", "ثبت همه مصوبات", "Record all resolutions"),
    ("import_has_errors", "هیچ ردیفی ثبت نشد. موارد زیر را در فایل اصلاح و دوباره بارگذاری کنید.", "Nothing was recorded. Correct these rows in the file and upload it again."),
    ("import_row", "ردیف", "Row"),
    ("import_column", "ستون", "Column"),
    ("import_upload", "بارگذاری فایل", "Upload a file"),
    ("import_file", "فایل اکسل یا CSV", "Excel or CSV file"),
    ("import_check", "بررسی فایل", "Check the file"),
    ("import_template", "فایل نمونه", "Template"),
    ("import_columns", "ستون‌ها", "Columns"),
    ("import_required", "الزامی", "Required"),
    ("import_hint", "سرستون‌ها به فارسی یا انگلیسی پذیرفته می‌شوند؛ ارقام فارسی یا لاتین؛ مهلت به تاریخ شمسی (۱۴۰۴/۰۸/۳۰)؛ دستگاه‌ها با نام یا کد؛ دستگاه‌های همکار با «،» جدا شوند.", "Headers in Persian or English; Persian or Latin digits; deadlines as Jalali dates (1404/08/30); organisations by name or code; partners separated by commas."),
    ("imported", "مصوبه از فایل ثبت شد", "resolutions imported"),
    ("calendar", "تقویم جلسات", "Meetings calendar"),
    ("attachments", "پیوست‌ها", "Attachments"),
    ("attachment", "پیوست (PDF، تصویر، ورد، اکسل؛ حداکثر ۱۰ مگابایت)", "Attachment (PDF, image, Word, Excel; up to 10 MB)"),
    ("no_attachments", "پیوستی ندارد.", "No attachments."),
    ("upload", "بارگذاری", "Upload"),
    ("ev_created", "تصویب و ثبت", "Approved and recorded"),
    ("ev_start", "شروع اجرا", "Work started"),
    ("ev_complete", "انجام شد", "Marked done"),
    ("ev_cancel", "لغو شد", "Cancelled"),
    ("ev_reopen", "بازگشایی شد", "Reopened"),
    ("ev_report", "گزارش پیشرفت", "Progress report"),
    ("ev_extension_requested", "درخواست تمدید مهلت", "Extension requested"),
    ("ev_extension_approved", "تمدید مهلت تأیید شد", "Extension approved"),
    ("ev_extension_pending", "در انتظار تصمیم", "Awaiting decision"),
    ("ev_extension_refused", "تمدید مهلت رد شد", "Extension refused"),
    ("ev_edited", "ویرایش متن", "Text edited"),
    ("ev_escalated", "ارجاع به دفتر رئیس جلسه", "Escalated to the chair"),
];

/// Every table of strings: the shared one and each capability's (`Capability::strings`).
fn tables() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    STRINGS
        .iter()
        .chain(crate::CAPABILITIES.iter().flat_map(|c| c.strings.iter()))
}

fn lookup(key: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    tables().find(|(k, _, _)| *k == key)
}

pub fn t(lang: Lang, key: &str) -> &'static str {
    match lookup(key) {
        Some((_, fa, en)) => match lang {
            Lang::Fa => fa,
            Lang::En => en,
        },
        None => {
            tracing::warn!(key, "missing translation");
            "?"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique() {
        let all: Vec<&str> = tables().map(|(k, _, _)| *k).collect();
        for (i, k) in all.iter().enumerate() {
            assert!(!all[..i].contains(k), "duplicate key {k}");
        }
    }

    /// Every `t("…")` in a template must have a translation.
    #[test]
    fn templates_use_known_keys() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for part in text.split(".t(\"").skip(1) {
                let key = part.split('"').next().unwrap();
                assert!(lookup(key).is_some(), "no translation for {key}");
                checked += 1;
            }
        }
        assert!(
            checked > 50,
            "only {checked} keys found: is the template folder right?"
        );
    }
}
