//! Queries on user accounts.

use super::identity::Login;
use crate::db::{DbConnection, now};
use crate::error::ApiError;
use crate::schema::users;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub display_name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub status: String,
    pub is_platform_admin: bool,
    pub assisted: bool,
    pub id_number_last4: Option<String>,
    pub created_at: chrono::NaiveDateTime,
}

pub const ACTIVE: &str = "active";

impl UserRow {
    pub fn is_active(&self) -> bool {
        self.status == ACTIVE
    }
}

/// What creating an account needs; the caller has already validated and hashed.
pub struct NewUser<'a> {
    pub display_name: &'a str,
    pub login: Option<&'a Login>,
    pub password_hash: Option<&'a str>,
    pub is_platform_admin: bool,
    pub assisted: bool,
    pub id_number: Option<(String, String)>,
    pub created_by: Option<i64>,
}

pub fn insert(conn: &mut DbConnection, new: NewUser<'_>) -> Result<UserRow, ApiError> {
    let (phone, email) = match new.login {
        Some(Login::Phone(p)) => (Some(p.as_str()), None),
        Some(Login::Email(e)) => (None, Some(e.as_str())),
        None => (None, None),
    };
    let (id_hash, id_last4) = new.id_number.unzip();
    let now = now();
    let id: i64 = diesel::insert_into(users::table)
        .values((
            users::display_name.eq(new.display_name),
            users::phone.eq(phone),
            users::email.eq(email),
            users::password_hash.eq(new.password_hash),
            users::status.eq(ACTIVE),
            users::is_platform_admin.eq(new.is_platform_admin),
            users::assisted.eq(new.assisted),
            users::id_number_hash.eq(id_hash),
            users::id_number_last4.eq(id_last4),
            users::created_by.eq(new.created_by),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .returning(users::id)
        .get_result(conn)?;
    get(conn, id)
}

pub fn get(conn: &mut DbConnection, id: i64) -> Result<UserRow, ApiError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)?)
}

pub fn find_by_login(conn: &mut DbConnection, login: &Login) -> Result<Option<UserRow>, ApiError> {
    let query = users::table.select(UserRow::as_select()).into_boxed();
    let query = match login {
        Login::Phone(p) => query.filter(users::phone.eq(p.as_str().to_owned())),
        Login::Email(e) => query.filter(users::email.eq(e.as_str().to_owned())),
    };
    Ok(query.first(conn).optional()?)
}

pub fn set_password_hash(conn: &mut DbConnection, id: i64, hash: &str) -> Result<(), ApiError> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now())))
        .execute(conn)?;
    Ok(())
}

/// Does an account with this keyed ID-number hash exist already?
pub fn id_number_taken(conn: &mut DbConnection, hash: &str) -> Result<bool, ApiError> {
    let count: i64 = users::table
        .filter(users::id_number_hash.eq(hash))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}
